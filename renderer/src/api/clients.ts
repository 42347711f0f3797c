import type { SupabaseClient } from '@supabase/supabase-js';

import type { ControlRoute, ControlRoutes } from '../../../shared/control-api.js';

/**
 * What a store needs of the control API client (`ControlApi` in control-client.ts): its typed call. Declared
 * here rather than imported, so stores load without control-client's browser session code (the data-plane
 * test runs the shards store in Node).
 */
export interface ControlApi {
  call<R extends ControlRoute>(
    route: R,
    request: ControlRoutes[R]['request'],
  ): Promise<ControlRoutes[R]['response']>;
}

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

// The GUI's current clients, set when the auth store is attached and the stack store connected. Kept here
// rather than read from those stores, so this module (and the stores using it) load without the DOM.
let appSupabase: SupabaseClient | null = null;
let appControl: ControlApi | null = null;

/** Makes `appClients` answer with these clients from now on (the auth store's `attach`, the stack's `connect`). */
export function setAppClients(clients: { supabase?: SupabaseClient; control?: ControlApi }): void {
  if (clients.supabase) appSupabase = clients.supabase;
  if (clients.control) appControl = clients.control;
}

/**
 * The GUI's clients: the Supabase client the auth store is attached to (App attaches `configureSupabase`'s
 * one client) and the control API the stack store is connected to. Throws a sentence before either is known.
 */
export const appClients: Clients = {
  supabase() {
    if (!appSupabase) throw new Error('The stack is not connected yet.');
    return appSupabase;
  },
  control() {
    if (!appControl) throw new Error('not connected to the control API yet');
    return appControl;
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
