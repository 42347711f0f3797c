import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { decryptSops } from 'sops-age';

import { ageKeyFile } from '../../main/services/functions/age-key-file.js';
import { SUPABASE_DIR } from '../../main/stack/project-paths.js';
import { TestStack } from '../support/cli.js';
import { insertOAuthConnectors } from './oauth-fixtures.js';

/** A copy of the project's supabase/ folder with a function of the test's. */
function projectWithFunctions(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-project-'));
  const supabaseDir = path.join(dir, 'supabase');
  cpSync(SUPABASE_DIR, supabaseDir, {
    recursive: true,
    filter: (source) => !source.startsWith(path.join(SUPABASE_DIR, 'functions')),
  });
  mkdirSync(path.join(supabaseDir, 'functions', 'hello'), { recursive: true });
  // The project's own oauth function, linked (its imports are relative to where it lives).
  for (const name of ['oauth', '_shared']) {
    symlinkSync(path.join(SUPABASE_DIR, 'functions', name), path.join(supabaseDir, 'functions', name));
  }
  writeFileSync(
    path.join(supabaseDir, 'functions', 'hello', 'index.ts'),
    `console.log('hello loaded');\nDeno.serve((req) => Response.json({ answer: 1, url: Deno.env.get('SUPABASE_URL') }));\n`,
  );
  return supabaseDir;
}

describe('Edge Functions in the stack (flow-desktop up)', () => {
  let stack: TestStack | null = null;
  let supabaseDir = '';
  afterAll(async () => {
    await stack?.cleanup();
    if (supabaseDir) rmSync(path.dirname(supabaseDir), { recursive: true, force: true });
  });

  it('runs edge-functions as its own service with its own log, behind /functions/v1 on the API port', async () => {
    supabaseDir = projectWithFunctions();
    stack = await TestStack.create({ FLOW_DESKTOP_SUPABASE_DIR: supabaseDir });
    const up = await stack.cli(['up', '--detach']);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const status = await stack.status();
    expect(status.services.find((s) => s.name === 'edge-functions')).toMatchObject({ state: 'healthy' });
    const api = `http://127.0.0.1:${stack.apiPort}`;

    const call = (name: string): Promise<Response> =>
      fetch(`${api}/functions/v1/${name}`, { headers: { Authorization: `Bearer ${status.ANON_KEY}` } });
    const hello = await call('hello');
    expect(hello.status).toBe(200);
    expect(await hello.json()).toEqual({ answer: 1, url: api });
    expect((await fetch(`${api}/functions/v1/hello`)).status).toBe(401);
    const unknown = await call('nope');
    expect([unknown.status, await unknown.text()]).toEqual([404, 'Function not found']);

    // Edited while the stack runs: the next request runs the new code.
    writeFileSync(
      path.join(supabaseDir, 'functions', 'hello', 'index.ts'),
      `Deno.serve(() => Response.json({ answer: 2 }));\n`,
    );
    expect(await (await call('hello')).json()).toEqual({ answer: 2 });

    const logs = await stack.cli(['logs', 'edge-functions', '-n', '200']);
    expect(logs.stdout).toContain('edge-functions listening on');
    expect(logs.stdout).toContain('[hello] hello loaded');
    expect(logs.stdout).toContain('[hello] changed: recompiled');

    // The data directory holds the compiled functions and the owner-only age key; the install dir holds none.
    expect(existsSync(path.join(stack.dataDir, 'functions', 'build', 'hello'))).toBe(true);
    const keyFile = ageKeyFile(stack.dataDir);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(keyFile)).mode & 0o777).toBe(0o700);
    expect(existsSync(path.join(supabaseDir, 'functions', 'hello', 'index.js'))).toBe(false);
    const identity = /AGE-SECRET-KEY-1\S+/.exec(readFileSync(keyFile, 'utf8'))![0];
    expect(logs.stdout).not.toContain(identity);

    // The control plane's oauth function in the stack: encrypt-config with this data directory's key.
    const connectors = await insertOAuthConnectors(
      `postgresql://postgres:postgres@127.0.0.1:${stack.dbPort}/postgres`,
      'http://127.0.0.1:9',
    );
    const signIn = await fetch(`${api}/auth/v1/token?grant_type=password`, {
      method: 'POST',
      headers: { apikey: status.ANON_KEY, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'alice@example.com', password: 'password' }),
    });
    const { access_token } = (await signIn.json()) as { access_token: string };
    const encrypted = await fetch(`${api}/functions/v1/oauth`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${access_token}`, apikey: status.ANON_KEY },
      body: JSON.stringify({
        operation: 'encrypt-config',
        connector_id: connectors.form.connectorId,
        connector_tag_id: connectors.form.tagId,
        config: { host: 'h', password: 'stack-secret-pw', credentials: { auth_type: 'token', token: 't0k' } },
      }),
    });
    expect(encrypted.status).toBe(200);
    const document = await encrypted.text();
    expect(document).not.toContain('stack-secret-pw');
    expect(await decryptSops(document, { secretKey: identity, fileType: 'json' })).toEqual({
      host: 'h',
      password_sops: 'stack-secret-pw',
      credentials: { auth_type: 'token', token_sops: 't0k' },
    });
    const oauthLogs = await stack.cli(['logs', 'edge-functions', '-n', '200']);
    expect(oauthLogs.stdout).toContain('[oauth] OAuth functions started.');
    expect(oauthLogs.stdout).not.toContain('stack-secret-pw');

    const down = await stack.cli(['down']);
    expect(down.code).toBe(0);
  });
});
