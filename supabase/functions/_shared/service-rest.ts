// Reads of the control-plane tables as the service role, through the project's own REST API (PostgREST's
// contract), as the original functions did with a service-role supabase client.

/** One row, or PostgREST's error with its HTTP status (a missing row is PGRST116). */
export type RowResult<T> =
  | { readonly ok: true; readonly row: T }
  | { readonly ok: false; readonly status: number; readonly error: unknown };

function setting(name: string): string {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is not set in the function's environment`);
  return value;
}

/** `select <columns> from <table> where <column> = <value>`, exactly one row. */
export async function selectOne<T>(
  table: string,
  columns: string,
  column: string,
  value: string,
): Promise<RowResult<T>> {
  const key = setting('SUPABASE_SERVICE_ROLE_KEY');
  const url = new URL(`${setting('SUPABASE_URL')}/rest/v1/${table}`);
  url.searchParams.set('select', columns);
  url.searchParams.set(column, `eq.${value}`);
  const response = await fetch(url, {
    headers: {
      apikey: key,
      Authorization: `Bearer ${key}`,
      Accept: 'application/vnd.pgrst.object+json',
    },
  });
  const body: unknown = await response.json();
  return response.ok ? { ok: true, row: body as T } : { ok: false, status: response.status, error: body };
}
