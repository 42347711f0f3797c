import { readFileSync } from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { OperationBusyError, ResetResult } from '../../shared/control-api.js';
import { TestStack } from '../support/cli.js';

describe('stack operations run one at a time (real Postgres)', () => {
  let stack: TestStack;
  afterEach(async () => {
    await stack.cleanup();
  });

  it('a purge asked during a reset is refused naming the reset; a CLI restart waits its turn', async () => {
    stack = await TestStack.create();
    expect((await stack.cli(['up', '--detach'])).code).toBe(0);
    const { url, token } = JSON.parse(
      readFileSync(path.join(stack.dataDir, 'run', 'control.json'), 'utf8'),
    ) as {
      url: string;
      token: string;
    };
    const post = (route: string, body: object): Promise<Response> =>
      fetch(`${url}${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const reset = post('/v1/reset', { requestedBy: 'gui' });
    // Wait until the reset is the running operation.
    let status = await stack.status();
    for (let i = 0; i < 100; i++) {
      const live = (await (
        await fetch(`${url}/v1/status`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { operation: { kind: string } | null };
      if (live.operation?.kind === 'reset') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const purge = await post('/v1/purge', { requestedBy: 'tray' });
    expect(purge.status).toBe(409);
    const refusal = (await purge.json()) as OperationBusyError;
    expect(refusal.error.code).toBe('operation_in_progress');
    expect(refusal.error.message).toMatch(
      /^busy with a database reset \(op-\d+, asked by the GUI, running for \d+ s\)/,
    );
    expect(refusal.error.running).toMatchObject({ kind: 'reset', requestedBy: 'gui' });

    const restart = stack.cli(['restart', 'postgres']);
    const resetResult = (await (await reset).json()) as ResetResult;
    expect(resetResult.ok).toBe(true);
    const restarted = await restart;
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toMatch(/^postgres: healthy/);
    status = await stack.status();
    expect(status.state).toBe('running');
    // The restart began only after the reset had finished.
    const logs = await stack.cli(['logs', '-n', '2000', '--json']);
    const lines = logs.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { seq: number; service: string; text: string });
    const seeded = lines.filter((l) => l.service === 'migrate').at(-1)!;
    const restartNote = lines.find((l) => l.text === 'restarting: restart requested by the user')!;
    expect(restartNote.seq).toBeGreaterThan(seeded.seq);
  });
});
