import { createClient, type SupabaseClient } from '@supabase/supabase-js';

let client: SupabaseClient | null = null;
let clientKey = '';

/**
 * Points the GUI's one Supabase client at the stack's API. Called whenever the stack's connection details
 * arrive; a new client is made only when they change (another data directory, a new anon key after a purge).
 */
export function configureSupabase(apiUrl: string, anonKey: string): SupabaseClient {
  const key = `${apiUrl} ${anonKey}`;
  if (!client || key !== clientKey) {
    client = createClient(apiUrl, anonKey, {
      // The session survives reloads, per UI origin (each stack serves its GUI on its own port). A magic link's
      // session is taken out of the URL at start-up (api/auth-redirect.ts) and handed over by the auth store.
      auth: { persistSession: true, autoRefreshToken: true, detectSessionInUrl: false },
    });
    clientKey = key;
  }
  return client;
}

/** True once `configureSupabase` has run. */
export function hasSupabase(): boolean {
  return client !== null;
}
