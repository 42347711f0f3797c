import { createClient } from '@supabase/supabase-js';
import { afterAll, describe, expect, it } from 'vitest';

import { TestStack } from '../support/cli.js';

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

describe('supabase-api in the stack (flow-desktop up through the CLI)', () => {
  let stack: TestStack | null = null;
  afterAll(async () => {
    await stack?.cleanup();
  });

  it('starts after migrate, serves REST, Auth and the mailbox, and stops with the stack', async () => {
    stack = await TestStack.create();
    const up = await stack.cli(['up', '--detach']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const status = await stack.status();
    const api = status.services.find((s) => s.name === 'supabase-api');
    expect(api).toMatchObject({ state: 'healthy', port: stack.apiPort });

    const sb = createClient(`http://127.0.0.1:${stack.apiPort}`, status.ANON_KEY, {
      auth: { persistSession: false, autoRefreshToken: false },
      realtime: { transport: UnusedWebSocket as unknown as NonNullable<RealtimeTransport> },
    });
    const signIn = await sb.auth.signInWithPassword({ email: 'alice@example.com', password: 'password' });
    expect(signIn.error).toBeNull();
    const grants = await sb.from('user_grants').select('object_role, capability').order('object_role');
    expect(grants.data).toEqual([
      { object_role: 'aliceCo/', capability: 'admin' },
      { object_role: 'aliceCo/', capability: 'read' },
    ]);

    await sb.auth.signInWithOtp({ email: 'bob@example.com' });
    const mail = (await (
      await fetch(`http://127.0.0.1:${stack.mailboxPort}/api/v1/mailbox/bob@example.com`)
    ).json()) as unknown[];
    expect(mail).toHaveLength(1);

    const down = await stack.cli(['down']);
    expect(down.code).toBe(0);
    await expect(fetch(`http://127.0.0.1:${stack.apiPort}/auth/v1/health`)).rejects.toThrow();
  });
});
