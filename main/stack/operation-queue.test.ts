import { describe, expect, it } from 'vitest';

import type { StackOperationEvent } from '../../shared/stack-events.js';
import { OperationBusy, OperationQueue } from './operation-queue.js';

const later = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('operation queue', () => {
  it('runs operations one at a time in the order asked, each with its own id', async () => {
    const events: StackOperationEvent[] = [];
    const queue = new OperationQueue((e) => events.push(e));
    const trace: string[] = [];
    const op = (name: string, ms: number) => async () => {
      trace.push(`${name} begins`);
      await later(ms);
      trace.push(`${name} ends`);
      return name;
    };
    const results = await Promise.all([
      queue.run({ kind: 'start', requestedBy: 'supervisor', ifBusy: 'wait' }, op('start', 40)),
      queue.run({ kind: 'reset', requestedBy: 'gui', ifBusy: 'wait' }, op('reset', 10)),
      queue.run(
        { kind: 'restart-service', service: 'postgres', requestedBy: 'cli', ifBusy: 'wait' },
        op('restart', 5),
      ),
    ]);
    expect(results).toEqual(['start', 'reset', 'restart']);
    expect(trace).toEqual([
      'start begins',
      'start ends',
      'reset begins',
      'reset ends',
      'restart begins',
      'restart ends',
    ]);
    const ids = new Set(events.map((e) => e.operation.id));
    expect([...ids].sort()).toEqual(['op-1', 'op-2', 'op-3']);
    expect(events.find((e) => e.operation.id === 'op-2' && e.status === 'queued')?.message).toMatch(
      /^waiting for starting the stack \(op-1, at start-up, (running for \d+ s|not started yet)\)$/,
    );
    expect(queue.current()).toBeNull();
  });

  it('refuses a request while another runs, naming it, unless asked to wait', async () => {
    const queue = new OperationQueue();
    const reset = queue.run({ kind: 'reset', requestedBy: 'gui' }, () => later(50));
    await later(5);
    const refused = await queue
      .run({ kind: 'purge', requestedBy: 'tray' }, () => later(1))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OperationBusy);
    const busy = refused as OperationBusy;
    expect(busy.code).toBe('operation_in_progress');
    expect(busy.message).toMatch(
      /^busy with a database reset \(op-1, asked by the GUI, running for \d+ s\); try again when it is done$/,
    );
    expect(busy.running).toMatchObject({ id: 'op-1', kind: 'reset', requestedBy: 'gui' });
    await reset;
    // Once it is done, the same request goes through.
    await expect(queue.run({ kind: 'purge' }, () => Promise.resolve('purged'))).resolves.toBe('purged');
  });

  it('stopping goes first: waiting operations are refused at once, and later ones too', async () => {
    const queue = new OperationQueue();
    const start = queue.run({ kind: 'start', ifBusy: 'wait' }, () => later(80));
    const waiting = queue.run({ kind: 'reset', ifBusy: 'wait' }, () => later(1)).catch((e: unknown) => e);
    await later(5);
    const begun = Date.now();
    const stop = queue.stopFirst('cli', () => later(5).then(() => 'stopped'));
    const refused = (await waiting) as OperationBusy;
    expect(Date.now() - begun).toBeLessThan(60);
    expect(refused.code).toBe('stack_stopping');
    expect(await stop).toBe('stopped');
    await start;
    await expect(queue.run({ kind: 'start-service', service: 'x' }, () => later(1))).rejects.toMatchObject({
      code: 'stack_stopping',
    });
  });

  it('a failed operation frees the queue', async () => {
    const queue = new OperationQueue();
    await expect(queue.run({ kind: 'reset' }, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    await expect(queue.run({ kind: 'reset' }, () => Promise.resolve(1))).resolves.toBe(1);
  });
});
