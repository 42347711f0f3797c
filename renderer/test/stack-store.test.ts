import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CONTROL_ROUTES } from '../../shared/control-api.js';
import type { StackStatus } from '../../shared/stack-status.js';
import {
  type ControlHandlers,
  ControlRequestError,
  startControlServer,
  type ControlServer,
} from '../../main/control/control-server.js';
import { ControlApi } from '../src/api/control-client.js';
import { useStackStore } from '../src/stores/stack-store.js';

const TOKEN = 'store-test-token';

/** The store against a real control server over HTTP, with handlers that record what they were asked. */
describe('stack store', () => {
  let server: ControlServer;
  const calls: string[] = [];
  beforeEach(async () => {
    const unused = (): Promise<never> => Promise.reject(new Error('not used'));
    const base = Object.fromEntries(CONTROL_ROUTES.map((r) => [r, unused])) as unknown as Omit<
      ControlHandlers,
      'onEvent'
    >;
    server = await startControlServer(
      {
        ...base,
        'GET /v1/status': () => Promise.resolve({ state: 'running', services: [] } as unknown as StackStatus),
        'GET /v1/preflight': () =>
          Promise.resolve({
            checks: [{ check: 'disk space', ok: true, message: 'plenty' }],
            ranAt: '2026-12-01T10:00:00.000Z',
          }),
        'POST /v1/preflight': () => {
          calls.push('preflight');
          return Promise.resolve({
            checks: [
              { check: 'disk space', ok: true, message: 'plenty' },
              { check: 'Docker', ok: false, warning: true, message: 'no Docker Engine' },
            ],
            ranAt: '2026-12-01T10:05:00.000Z',
          });
        },
        'POST /v1/services/restart': (req) => {
          calls.push(`restart ${req.service}`);
          if (req.service === 'nope')
            throw new ControlRequestError(404, 'unknown_service', 'no service "nope"');
          return Promise.resolve({ name: req.service } as never);
        },
        'POST /v1/reset': () =>
          Promise.resolve({ ok: false, elapsedMs: 5, reinitialised: false, error: 'postgres failed' }),
        'POST /v1/purge': () => Promise.resolve({ ok: true, elapsedMs: 4200, reinitialised: true }),
        onEvent: () => () => undefined,
      },
      { token: TOKEN },
    );
    useStackStore.setState({
      api: null,
      status: null,
      busy: null,
      error: null,
      lastReset: null,
      outcome: null,
      preflight: null,
    });
    useStackStore.getState().connect(new ControlApi({ controlUrl: server.url, token: TOKEN }));
  });
  afterEach(async () => {
    await server.close();
    calls.length = 0;
  });

  it('loads the status and the pre-flight results on connect', async () => {
    await expect.poll(() => useStackStore.getState().status?.state).toBe('running');
    await expect.poll(() => useStackStore.getState().preflight?.checks.length).toBe(1);
    expect(useStackStore.getState().preflight?.ranAt).toBe('2026-12-01T10:00:00.000Z');
  });

  it('runs the pre-flight checks again, with the time they ran and the Docker warning', async () => {
    await expect.poll(() => useStackStore.getState().preflight?.checks.length).toBe(1);
    await useStackStore.getState().rerunPreflight();
    expect(calls).toEqual(['preflight']);
    expect(useStackStore.getState().preflight).toMatchObject({
      ranAt: '2026-12-01T10:05:00.000Z',
      checks: [{ check: 'disk space' }, { check: 'Docker', warning: true }],
    });
  });

  it('runs one action at a time and shows the server error of a failed one', async () => {
    const { act } = useStackStore.getState();
    const first = act('restart nope', (api) => api.call('POST /v1/services/restart', { service: 'nope' }));
    // A second action while the first is in flight is ignored, not queued.
    const second = act('restart postgres', (api) =>
      api.call('POST /v1/services/restart', { service: 'postgres' }),
    );
    expect(useStackStore.getState().busy).toBe('restart nope');
    await Promise.all([first, second]);
    expect(calls).toEqual(['restart nope']);
    expect(useStackStore.getState().error).toBe('no service "nope"');
    expect(useStackStore.getState().busy).toBeNull();
  });

  it('records a reset result and its error', async () => {
    await useStackStore.getState().act('Reset the database', (api) => api.call('POST /v1/reset', {}));
    expect(useStackStore.getState().lastReset).toMatchObject({ ok: false, error: 'postgres failed' });
    expect(useStackStore.getState().error).toBe('postgres failed');
    expect(useStackStore.getState().outcome).toMatchObject({
      ok: false,
      text: 'Reset the database failed after 0.0 s: postgres failed',
    });
  });

  it('ends every action with a completion message, and clears the last one when the next starts', async () => {
    await useStackStore.getState().act('Purge data', (api) => api.call('POST /v1/purge', {}));
    expect(useStackStore.getState().outcome).toEqual({
      label: 'Purge data',
      ok: true,
      elapsedMs: 4200,
      text: 'Purge data: done in 4.2 s. The database cluster was created anew.',
    });
    const next = useStackStore
      .getState()
      .act('Restart postgres', (api) => api.call('POST /v1/services/restart', { service: 'postgres' }));
    // While the next action runs, the previous "done" is gone.
    expect(useStackStore.getState().outcome).toBeNull();
    await next;
    expect(useStackStore.getState().outcome?.text).toMatch(/^Restart postgres: done in \d+\.\d s\.$/);
  });
});
