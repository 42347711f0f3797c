import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { launchBrowser } from '../support/browser.js';
import { startApiTestEnv, type ApiTestEnv } from './api-test-env.js';

/** A request with exactly the headers given (Host included), as an attacker's client could send it. */
function raw(
  port: number,
  pathname: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: pathname, method, headers, setHost: !('Host' in headers) },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A page on another loopback port: the drive-by attacker of issue 13. */
function attackerSite(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>innocent page</title>');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

describe('mailbox: only this machine’s own clients read the sign-in codes', () => {
  let env: ApiTestEnv;
  let mailboxDir: string;
  let mailbox: number;
  let browser: Browser;

  beforeAll(async () => {
    mailboxDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-mailbox-')), 'mailbox');
    env = await startApiTestEnv({ mailboxDir });
    mailbox = env.server.mailboxPort!;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    rmSync(path.dirname(mailboxDir), { recursive: true, force: true });
  });

  it('a page served from another loopback port, in Chromium, cannot read a code it asked Auth to send', async () => {
    const site = await attackerSite();
    const page = await browser.newPage();
    try {
      await page.goto(site.url);
      const outcome = await page.evaluate(
        async ({ api, anonKey, mailboxUrl }) => {
          // The API answers browsers (CORS, as Supabase does): the page can have a code mailed to bob.
          const sent = await fetch(`${api}/auth/v1/otp`, {
            method: 'POST',
            headers: { apikey: anonKey, 'Content-Type': 'application/json' },
            body: JSON.stringify({ email: 'bob@example.com' }),
          });
          let read: string;
          try {
            const res = await fetch(`${mailboxUrl}/api/v1/mailbox/bob@example.com`);
            const messages = (await res.json()) as { otp?: string }[];
            read = `read ${messages[0]?.otp ?? 'nothing'}`;
          } catch (error) {
            read = `refused: ${String(error)}`;
          }
          let deleted: string;
          try {
            const res = await fetch(`${mailboxUrl}/api/v1/messages`, { method: 'DELETE' });
            deleted = `status ${res.status}`;
          } catch (error) {
            deleted = `refused: ${String(error)}`;
          }
          return { sent: sent.status, read, deleted };
        },
        { api: env.server.url, anonKey: env.anonKey, mailboxUrl: `http://127.0.0.1:${mailbox}` },
      );
      expect(outcome.sent).toBe(200);
      expect(outcome.read).toMatch(/^refused: TypeError/);
      expect(outcome.deleted).toMatch(/^refused: TypeError/);
    } finally {
      await page.close();
      await site.close();
    }
    // The mail was sent and is still there for its owner, read by the stack's own client (no Origin).
    const own = await raw(mailbox, '/api/v1/mailbox/bob@example.com', {});
    expect(own.status).toBe(200);
    expect((JSON.parse(own.body) as { otp: string }[])[0]?.otp).toMatch(/^\d{6}$/);
  });

  it('refuses a foreign Origin or Host (DNS rebinding) and sends no CORS headers', async () => {
    const foreignOrigin = await raw(mailbox, '/api/v1/messages', { Origin: 'http://127.0.0.1:1' });
    expect(foreignOrigin.status).toBe(403);
    expect(foreignOrigin.body).not.toContain('otp');
    const nullOrigin = await raw(mailbox, '/api/v1/messages', { Origin: 'null' });
    expect(nullOrigin.status).toBe(403);
    const rebound = await raw(mailbox, '/api/v1/messages', { Host: `attacker.example:${mailbox}` });
    expect(rebound.status).toBe(403);
    const otherPort = await raw(mailbox, '/api/v1/messages', { Host: `127.0.0.1:${mailbox + 1}` });
    expect(otherPort.status).toBe(403);
    const page = await raw(mailbox, '/', { Host: `attacker.example:${mailbox}` });
    expect(page.status).toBe(403);
    const crossSite = await raw(mailbox, '/api/v1/messages', { 'Sec-Fetch-Site': 'same-site' });
    expect(crossSite.status).toBe(403);
    const preflight = await raw(
      mailbox,
      '/api/v1/messages',
      { Origin: 'http://127.0.0.1:1', 'Access-Control-Request-Method': 'DELETE' },
      'OPTIONS',
    );
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();

    for (const host of [`127.0.0.1:${mailbox}`, `localhost:${mailbox}`]) {
      const ok = await raw(mailbox, '/api/v1/messages', { Host: host, Origin: `http://${host}` });
      expect(ok.status).toBe(200);
      expect(ok.headers['access-control-allow-origin']).toBeUndefined();
      expect(ok.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
    // A link followed to the page (a navigation) still opens it; it may not be framed.
    const navigated = await raw(mailbox, '/', {
      'Sec-Fetch-Site': 'same-site',
      'Sec-Fetch-Mode': 'navigate',
      'Sec-Fetch-Dest': 'document',
    });
    expect(navigated.status).toBe(200);
    expect(navigated.headers['x-frame-options']).toBe('DENY');
    expect((await raw(mailbox, '/api/v1/messages/%zz', {})).status).toBe(400);
  });

  it('keeps the messages owner-only, like secrets.json', () => {
    expect(statSync(mailboxDir).mode & 0o777).toBe(0o700);
    const files = readdirSync(mailboxDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(statSync(path.join(mailboxDir, file)).mode & 0o777).toBe(0o600);
  });
});
