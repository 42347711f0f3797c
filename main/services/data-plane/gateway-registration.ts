import { createHmac } from 'node:crypto';

import pg from 'pg';

/**
 * The gateway's HS256 verification key, derived from the data directory's JWT secret: stable across restarts,
 * resets and purges (the secrets are kept), different per installation, and never stored anywhere else.
 */
export function gatewayVerificationKey(jwtSecret: string): string {
  return createHmac('sha256', jwtSecret)
    .update('flow-desktop data-plane-gateway verification key')
    .digest('base64url');
}

/** What the control plane must know about the running gateway. */
export interface GatewayRegistration {
  readonly key: string;
  readonly url: string;
}

/**
 * Makes the control plane sign gateway tokens with the gateway's key and hand out its URL:
 * `gateway_auth_token()` uses the newest row of `internal.gateway_auth_keys` and of
 * `internal.gateway_endpoints`, so the newest row of each is set to ours (or one is added to an empty table).
 * Idempotent: a second call changes nothing. Runs as the superuser (internal is closed to API roles).
 */
export async function registerGateway(
  adminUrl: string,
  gateway: GatewayRegistration,
  log: (text: string) => void,
): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'flow-desktop-gateway' });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('begin');
    const key = await setNewest(client, {
      table: 'internal.gateway_auth_keys',
      column: 'secret_key',
      value: gateway.key,
      insert: `insert into internal.gateway_auth_keys (secret_key, detail) values ($1, $2)`,
      detail: 'Verification key of the data-plane-gateway run by Flow Desktop.',
    });
    const endpoint = await setNewest(client, {
      table: 'internal.gateway_endpoints',
      column: 'url',
      value: gateway.url,
      insert: `insert into internal.gateway_endpoints (url, detail, name) values ($1, $2, 'local')`,
      detail: 'The data-plane-gateway run by Flow Desktop.',
    });
    await client.query('commit');
    log(`gateway key in internal.gateway_auth_keys: ${key}`);
    log(`internal.gateway_endpoints → ${gateway.url}: ${endpoint}`);
  } catch (error: unknown) {
    await client.query('rollback').catch(() => undefined);
    throw new Error(
      `could not register the gateway in the control plane: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The fixed SQL of one of the two tables (never user input). */
interface NewestRow {
  readonly table: 'internal.gateway_auth_keys' | 'internal.gateway_endpoints';
  readonly column: 'secret_key' | 'url';
  readonly value: string;
  readonly insert: string;
  readonly detail: string;
}

async function setNewest(
  client: pg.Client,
  row: NewestRow,
): Promise<'added' | 'updated' | 'already current'> {
  const { rows } = await client.query<{ id: string; current: string }>(
    `select id::text, ${row.column} as current from ${row.table} order by id desc limit 1 for update`,
  );
  const newest = rows[0];
  if (!newest) {
    await client.query(row.insert, [row.value, row.detail]);
    return 'added';
  }
  if (newest.current === row.value) return 'already current';
  await client.query(
    `update ${row.table} set ${row.column} = $1, detail = $2, updated_at = now() where id = $3::public.flowid`,
    [row.value, row.detail, newest.id],
  );
  return 'updated';
}
