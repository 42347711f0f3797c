import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { StackEvent } from '../../shared/stack-events.js';
import type { StackStatus } from '../../shared/stack-status.js';
import { ControlCallError, ControlClient } from './control-client.js';
import { CONTROL_ROUTES } from '../../shared/control-api.js';
import {
  type ControlHandlers,
  ControlRequestError,
  startControlServer,
  type ControlServer,
} from './control-server.js';
import { SessionCodes } from './session-codes.js';

const TOKEN = 'a-per-run-secret';

/** A raw request, so tests can send the headers a browser or an attacker would. */
function raw(
  port: number,
  headers: Record<string, string>,
  path = '/v1/status',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, headers, setHost: !('host' in headers) },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('control API server', () => {
  let server: ControlServer;
  let client: ControlClient;
  const listeners = new Set<(event: StackEvent) => void>();
  const restarted: string[] = [];

  beforeEach(async () => {
    const unused = (): Promise<never> => Promise.reject(new Error('not used in this test'));
    const base = Object.fromEntries(CONTROL_ROUTES.map((r) => [r, unused])) as unknown as Omit<
      ControlHandlers,
      'onEvent'
    >;
    server = await startControlServer(
      {
        ...base,
        'GET /v1/status': () => Promise.resolve({ state: 'running' } as StackStatus),
        'GET /v1/logs': (req) =>
          Promise.resolve({
            lines: [{ seq: req.n ?? 0, at: '', service: req.service ?? 'all', stream: 'stdout', text: 'x' }],
          }),
        'POST /v1/services/restart': (req) => {
          if (req.service !== 'postgres')
            throw new ControlRequestError(404, 'unknown_service', `no service "${req.service}"`);
          restarted.push(req.service);
          return Promise.resolve({ name: req.service } as never);
        },
        'POST /v1/reset': () => Promise.resolve({ ok: true, elapsedMs: 1, reinitialised: false }),
        'POST /v1/shutdown': () => Promise.resolve({ stopping: true as const }),
        onEvent: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      },
      { token: TOKEN },
    );
    client = new ControlClient({ pid: process.pid, url: server.url, token: TOKEN, startedAt: '' });
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers typed calls with the token, passing query and body through', async () => {
    expect(await client.call('GET /v1/status', {})).toEqual({ state: 'running' });
    expect(await client.call('GET /v1/logs', { service: 'postgres', n: 7 })).toEqual({
      lines: [{ seq: 7, at: '', service: 'postgres', stream: 'stdout', text: 'x' }],
    });
    await client.call('POST /v1/services/restart', { service: 'postgres' });
    expect(restarted).toEqual(['postgres']);
  });

  it('turns handler errors into status codes with a code and message', async () => {
    const error = await client
      .call('POST /v1/services/restart', { service: 'nope' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ControlCallError);
    expect(error).toMatchObject({ status: 404, code: 'unknown_service', message: 'no service "nope"' });
  });

  it('refuses requests without the right token', async () => {
    expect((await raw(server.port, {})).status).toBe(401);
    expect((await raw(server.port, { authorization: 'Bearer wrong-token-of-other-len' })).status).toBe(401);
    expect((await raw(server.port, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    const wrong = new ControlClient({ pid: 0, url: server.url, token: 'guess', startedAt: '' });
    await expect(wrong.call('GET /v1/status', {})).rejects.toMatchObject({
      status: 401,
      code: 'unauthorized',
    });
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin (drive-by pages), even with the token', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await raw(server.port, { ...auth, host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await raw(server.port, { ...auth, origin: 'http://evil.example' })).status).toBe(403);
    expect((await raw(server.port, { ...auth, origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
    expect((await raw(server.port, { ...auth, host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('answers unknown routes with 404 and streams events to subscribers', async () => {
    const missing = await raw(server.port, { authorization: `Bearer ${TOKEN}` }, '/v1/nothing');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({
      error: { code: 'not_found', message: 'no route GET /v1/nothing' },
    });

    const received: StackEvent[] = [];
    const abort = new AbortController();
    const following = client.events((e) => received.push(e), abort.signal);
    while (listeners.size === 0) await new Promise((r) => setTimeout(r, 10));
    const event: StackEvent = {
      type: 'service-state',
      at: 'now',
      service: 'postgres',
      from: 'starting',
      to: 'healthy',
      reason: 'probe',
    };
    for (const listener of listeners) listener(event);
    while (received.length === 0) await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    await following;
    expect(received).toEqual([event]);
  });
});

/** A request with a method and body, answering status, headers and body. */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('control API server: the GUI session cookie (headless mode)', () => {
  let server: ControlServer;
  let codes: SessionCodes;
  let root: string;

  beforeEach(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'control-gui-'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>gui</title>');
    codes = new SessionCodes();
    const unused = (): Promise<never> => Promise.reject(new Error('not used in this test'));
    const base = Object.fromEntries(CONTROL_ROUTES.map((r) => [r, unused])) as unknown as Omit<
      ControlHandlers,
      'onEvent'
    >;
    server = await startControlServer(
      {
        ...base,
        'GET /v1/status': () => Promise.resolve({ state: 'running' } as StackStatus),
        onEvent: () => () => undefined,
      },
      { token: TOKEN, ui: { root, codes } },
    );
  });
  afterEach(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Trades a fresh code; returns the Set-Cookie header and the `name=value` pair a browser would send back. */
  const signIn = async (): Promise<{ setCookie: string; cookie: string; body: string }> => {
    const answer = await send(server.port, 'POST', '/v1/session', {}, { code: codes.issue() });
    expect(answer.status).toBe(200);
    const setCookie = answer.headers['set-cookie']?.[0] ?? '';
    return { setCookie, cookie: setCookie.split(';')[0]!, body: answer.body };
  };
  const gui = { 'x-requested-by': 'flow-desktop', 'sec-fetch-site': 'same-origin' };

  it('trades a one-time code for an HttpOnly, SameSite=Strict cookie named for its port, never the token', async () => {
    const { setCookie, cookie, body } = await signIn();
    expect(setCookie).toMatch(new RegExp(`^flow_desktop_session_${server.port}=[\\w-]{40,}; `));
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Path=/');
    expect(JSON.parse(body)).toEqual({ signedIn: true });
    expect(body).not.toContain(TOKEN);
    // Any number of tabs share the cookie: each request with it is authorized.
    expect((await send(server.port, 'GET', '/v1/status', { ...gui, cookie })).status).toBe(200);
    expect((await send(server.port, 'GET', '/v1/status', { ...gui, cookie })).status).toBe(200);
    const asked = await send(server.port, 'GET', '/v1/session', { ...gui, cookie });
    expect(JSON.parse(asked.body)).toEqual({ signedIn: true });
  });

  it('refuses a code twice, and an unknown code, with a sentence saying how to get a new link', async () => {
    const code = codes.issue();
    expect((await send(server.port, 'POST', '/v1/session', {}, { code })).status).toBe(200);
    const again = await send(server.port, 'POST', '/v1/session', {}, { code });
    expect(again.status).toBe(401);
    expect(JSON.parse(again.body)).toMatchObject({ error: { code: 'invalid_code' } });
    expect(again.body).toMatch(/flow-desktop status/);
    expect((await send(server.port, 'POST', '/v1/session', {}, { code: 'guess' })).status).toBe(401);
  });

  it('accepts the cookie only from the GUI itself: its header, same-origin fetches, no foreign Origin', async () => {
    const { cookie } = await signIn();
    // A plain request carrying the cookie (a form post or <img> from another port of 127.0.0.1, which is
    // the same site for SameSite) lacks the header.
    expect((await send(server.port, 'GET', '/v1/status', { cookie })).status).toBe(401);
    expect(
      (await send(server.port, 'GET', '/v1/status', { ...gui, cookie, 'sec-fetch-site': 'same-site' }))
        .status,
    ).toBe(401);
    expect(
      (await send(server.port, 'GET', '/v1/status', { ...gui, cookie, origin: 'http://127.0.0.1:5434' }))
        .status,
    ).toBe(403);
    expect(
      (
        await send(server.port, 'GET', '/v1/status', {
          ...gui,
          cookie,
          origin: `http://127.0.0.1:${server.port}`,
        })
      ).status,
    ).toBe(200);
    // A made-up session and another port's cookie name are refused.
    const forged = `flow_desktop_session_${server.port}=${'x'.repeat(43)}`;
    expect((await send(server.port, 'GET', '/v1/status', { ...gui, cookie: forged })).status).toBe(401);
    const otherPort = cookie.replace(`_${server.port}=`, '_1=');
    expect((await send(server.port, 'GET', '/v1/status', { ...gui, cookie: otherPort })).status).toBe(401);
    // The bearer token (Electron, the CLI) keeps working beside the cookie.
    expect((await send(server.port, 'GET', '/v1/status', { authorization: `Bearer ${TOKEN}` })).status).toBe(
      200,
    );
  });

  it('ends the session on DELETE: the cookie is cleared and no longer accepted', async () => {
    const { cookie } = await signIn();
    const ended = await send(server.port, 'DELETE', '/v1/session', { ...gui, cookie });
    expect(ended.status).toBe(200);
    expect(ended.headers['set-cookie']?.[0]).toMatch(/Max-Age=0/);
    expect((await send(server.port, 'GET', '/v1/status', { ...gui, cookie })).status).toBe(401);
    expect(JSON.parse((await send(server.port, 'GET', '/v1/session', { ...gui, cookie })).body)).toEqual({
      signedIn: false,
    });
  });
});
