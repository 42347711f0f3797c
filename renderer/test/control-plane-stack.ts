import path from 'node:path';

import { createClient, type SupabaseClient } from '@supabase/supabase-js';

import { readControlFile } from '../../main/control/control-file.js';
import { type StatusJson, TestStack } from '../../test/support/cli.js';
import { ControlApi } from '../src/api/control-client.js';

/** The realtime transport option of createClient. */
type RealtimeTransport = NonNullable<Parameters<typeof createClient>[2]>['realtime'] extends infer R
  ? R extends { transport?: infer T }
    ? T
    : never
  : never;

class UnusedWebSocket {
  constructor() {
    throw new Error('realtime is not served by the embedded API');
  }
}

/** A real stack (`up --detach`) for the GUI's stores: its Supabase API, and its control API as the GUI calls it. */
export interface ControlPlaneStack {
  readonly stack: TestStack;
  readonly status: StatusJson;
  readonly api: ControlApi;
  /** A supabase-js client as the GUI makes it, except for storage and realtime (Node has neither). */
  client: () => SupabaseClient;
  close: () => Promise<void>;
}

/** Starts a stack with `agents` agents (the agent works publications; 0 when a test needs none). */
export async function startControlPlaneStack(agents: number): Promise<ControlPlaneStack> {
  const stack = await TestStack.create({ FLOW_DESKTOP_AGENTS: String(agents) });
  try {
    const up = await stack.cli(['up', '--detach']);
    if (up.code !== 0) {
      // The data directory goes with cleanup: keep the failed service's last lines in the error.
      const logs = await stack.cli(['logs', '-n', '40']);
      throw new Error(`up failed: ${up.stderr}\nlast log lines:\n${logs.stdout}${logs.stderr}`);
    }
    const status = await stack.status();
    const endpoint = readControlFile(path.join(stack.dataDir, 'run', 'control.json'));
    if (!endpoint) throw new Error('the supervisor wrote no control file');
    const clients: SupabaseClient[] = [];
    return {
      stack,
      status,
      api: new ControlApi({ controlUrl: endpoint.url, token: endpoint.token }),
      client: () => {
        const client = createClient(status.API_URL, status.ANON_KEY, {
          auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
          realtime: { transport: UnusedWebSocket as unknown as NonNullable<RealtimeTransport> },
        });
        clients.push(client);
        return client;
      },
      close: async () => {
        await Promise.all(clients.map((c) => c.auth.stopAutoRefresh()));
        await stack.cleanup();
      },
    };
  } catch (error) {
    await stack.cleanup();
    throw error;
  }
}
