import type { SupabaseClient } from '@supabase/supabase-js';

import type { ControlApi } from './control-client.js';
import { useAuthStore } from '../stores/auth-store.js';
import { useStackStore } from '../stores/stack-store.js';

/**
 * Where a store gets the clients it fetches with: every store is made with one of these, and asks it at each
 * call (never keeps a client), so a new client after a reconnection or a purge is used from the next call on.
 */
export interface Clients {
  /** The signed-in user's Supabase client: control-plane queries run under that user's RLS. */
  supabase(): SupabaseClient;
  /** The control API client of the supervisor. */
  control(): ControlApi;
}

/**
 * The GUI's clients: the Supabase client the auth store is attached to (App attaches `configureSupabase`'s
 * one client) and the control API the stack store is connected to. Throws a sentence before either is known.
 */
export const appClients: Clients = {
  supabase() {
    const client = useAuthStore.getState().client;
    if (!client) throw new Error('The stack is not connected yet.');
    return client;
  },
  control() {
    const api = useStackStore.getState().api;
    if (!api) throw new Error('not connected to the control API yet');
    return api;
  },
};

/** Fixed clients, for a store made outside the GUI (tests, one per signed-in user). */
export function fixedClients<C extends SupabaseClient>(supabase: C, control?: ControlApi): Clients {
  return {
    supabase: () => supabase,
    control() {
      if (!control) throw new Error('not connected to the control API yet');
      return control;
    },
  };
}
