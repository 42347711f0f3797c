import { createClient } from '@supabase/supabase-js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type FunctionsTestEnv, startFunctionsTestEnv } from './functions-test-env.js';

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

const SECRET = 'functions-test-secret-of-at-least-32-characters';

const sign = (claims: Record<string, unknown>, secret = SECRET): Promise<string> =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));

const FILES: Record<string, string> = {
  'config.toml': [
    '[functions.open]',
    'verify_jwt = false',
    '[functions.disabled]',
    'enabled = false',
    '',
  ].join('\n'),
  'functions/.env': 'GREETING=from-dotenv\nSUPABASE_URL=http://not-the-platform-one\n',
  'functions/hello/index.ts': `
    import 'jsr:@supabase/functions-js/edge-runtime.d.ts';
    const version: number = 1;
    Deno.serve(async (req: Request) => {
      const url = new URL(req.url);
      return Response.json(
        {
          version,
          method: req.method,
          path: url.pathname,
          search: url.search,
          body: req.method === 'GET' ? null : await req.text(),
          authorization: req.headers.get('authorization'),
          env: Deno.env.toObject(),
        },
        { headers: { 'Access-Control-Allow-Origin': 'https://function.example', 'X-Fn': 'hello' } },
      );
    });
  `,
  'functions/throws/index.ts': `Deno.serve(() => { throw new Error('kaboom from throws'); });`,
  'functions/boot-fails/index.ts': `throw new Error('broken while loading'); Deno.serve(() => new Response('never'));`,
  'functions/syntax/index.ts': `Deno.serve((req) => new Response('x'`,
  'functions/no-handler/index.ts': `console.log('loaded, but serves nothing');`,
  'functions/exits/index.ts': `Deno.serve((req) => { if (req.headers.get('x-exit')) process.exit(3); return new Response('alive'); });`,
  'functions/open/index.ts': `
    import { serve } from 'https://deno.land/std@0.131.0/http/server.ts';
    serve(() => new Response('open to anyone'));
  `,
  'functions/default-export/index.ts': `export default { fetch: (req: Request) => new Response('default ' + req.method) };`,
  'functions/npm/index.ts': `
    import { parse } from 'npm:smol-toml@1.0.0';
    Deno.serve(() => new Response('hello ' + String(parse('who = "npm"').who)));
  `,
  'functions/remote/index.ts': `import x from 'https://example.com/mod.ts'; Deno.serve(() => new Response(String(x)));`,
  'functions/disabled/index.ts': `Deno.serve(() => new Response('should not be served'));`,
  'functions/_shared/util.ts': `export const shared = 1;`,
};

describe('Edge Functions runtime behind /functions/v1', () => {
  let env: FunctionsTestEnv;
  let token: string;
  const auth = (): Record<string, string> => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    env = await startFunctionsTestEnv({
      files: FILES,
      jwtSecret: SECRET,
      functionEnv: { SUPABASE_ANON_KEY: 'anon-key-for-functions' },
    });
    token = await sign({ role: 'authenticated', sub: '11111111-1111-1111-1111-111111111111' });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('runs a TypeScript function with the request: method, path after /functions/v1, query, body, headers', async () => {
    const response = await env.call('hello/sub/path?x=1&y=two', {
      method: 'POST',
      headers: { ...auth(), 'Content-Type': 'text/plain' },
      body: 'the body',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-fn')).toBe('hello');
    const json = (await response.json()) as Record<string, unknown>;
    expect(json).toMatchObject({
      version: 1,
      method: 'POST',
      path: '/hello/sub/path',
      search: '?x=1&y=two',
      body: 'the body',
      authorization: `Bearer ${token}`,
    });
  });

  it("gives functions the platform's variables and functions/.env, and nothing of the runtime's own", async () => {
    const json = (await (await env.call('hello', { headers: auth() })).json()) as {
      env: Record<string, string>;
    };
    expect(json.env).toEqual({
      SUPABASE_URL: env.api.url,
      SUPABASE_ANON_KEY: 'anon-key-for-functions',
      GREETING: 'from-dotenv',
    });
    expect(Object.values(json.env).join(' ')).not.toContain(SECRET);
  });

  it('answers an unknown, disabled or non-function name with the CLI 404', async () => {
    for (const name of ['nope', 'disabled', '_shared', 'hello%2F..']) {
      const response = await env.call(name, { headers: auth() });
      expect(response.status, name).toBe(404);
      expect(response.headers.get('content-type')).toBe('text/plain');
      expect(await response.text()).toBe('Function not found');
    }
  });

  it('checks the JWT by default (verify_jwt) and lets verify_jwt = false functions through', async () => {
    const missing = await env.call('hello');
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({ msg: 'Error: Missing authorization header' });

    const wrongKey = await env.call('hello', {
      headers: {
        Authorization: `Bearer ${await sign({ role: 'anon' }, 'another-secret-of-at-least-32-chars!')}`,
      },
    });
    expect(wrongKey.status).toBe(401);
    expect(await wrongKey.json()).toEqual({ msg: 'Invalid JWT' });

    const expired = await new SignJWT({ role: 'anon' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(SECRET));
    expect((await env.call('hello', { headers: { Authorization: `Bearer ${expired}` } })).status).toBe(401);

    const basic = await env.call('hello', { headers: { Authorization: 'Basic dXNlcjpwdw==' } });
    expect(await basic.json()).toEqual({ msg: "Error: Auth header is not 'Bearer {token}'" });

    // As through Kong: an apikey alone stands in for the Authorization header.
    const anon = await sign({ role: 'anon' });
    const viaApikey = await env.call('hello', { headers: { apikey: anon } });
    expect(viaApikey.status).toBe(200);
    expect(((await viaApikey.json()) as { authorization: string }).authorization).toBe(`Bearer ${anon}`);

    const open = await env.call('open');
    expect(open.status).toBe(200);
    expect(await open.text()).toBe('open to anyone');
  });

  it('answers CORS preflights and gives browser responses the API CORS headers, not duplicates', async () => {
    const preflight = await env.call('hello', {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:3000',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, x-client-info, apikey, content-type',
      },
    });
    expect(preflight.status).toBe(200);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain(
      'authorization, x-client-info, apikey, content-type',
    );

    const response = await env.call('hello', { headers: { ...auth(), Origin: 'http://localhost:3000' } });
    expect(response.status).toBe(200);
    // The function said https://function.example; the gateway's CORS wins, once.
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers a function that throws with 500 WORKER_ERROR and logs the error at its TypeScript line', async () => {
    const response = await env.call('throws', { headers: auth() });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      code: 'WORKER_ERROR',
      message: 'Function exited due to an error (please check logs)',
    });
    const logged = env.logs.join('\n');
    expect(logged).toContain('[throws] error: Error: kaboom from throws');
    expect(logged).toMatch(/functions\/throws\/index\.ts:1:\d+/);
    // The runtime lives on.
    expect((await env.call('open')).status).toBe(200);
  });

  it('answers functions that fail to load with 503 BOOT_ERROR, saying why in the log', async () => {
    for (const [name, reason] of [
      ['boot-fails', 'broken while loading'],
      ['syntax', 'functions/syntax/index.ts:1:'],
      ['no-handler', 'neither called Deno.serve(handler) nor exported a default handler'],
      ['remote', 'remote modules are not fetched here'],
    ] as const) {
      const response = await env.call(name, { headers: auth() });
      expect(response.status, name).toBe(503);
      expect(await response.json()).toEqual({
        code: 'BOOT_ERROR',
        message: 'Worker failed to boot (please check logs)',
      });
      expect(env.logs.join('\n'), name).toContain(reason);
    }
  });

  it('survives a function that ends its worker, and starts it again for the next request', async () => {
    const first = await env.call('exits', { headers: { ...auth(), 'x-exit': 'yes' } });
    expect(first.status).toBe(500);
    const second = await env.call('exits', { headers: auth() });
    expect(await second.text()).toBe('alive');
    expect((await fetch(`${env.api.url}/auth/v1/health`)).status).not.toBe(502);
  });

  it('serves default-export handlers, npm: imports and std serve', async () => {
    expect(await (await env.call('default-export', { method: 'PUT', headers: auth() })).text()).toBe(
      'default PUT',
    );
    expect(await (await env.call('npm', { headers: auth() })).text()).toBe('hello npm');
  });

  it('is what supabase.functions.invoke talks to', async () => {
    const client = createClient(env.api.url, token, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      // Node 20 has no WebSocket; realtime is not used here.
      realtime: { transport: UnusedWebSocket as unknown as NonNullable<RealtimeTransport> },
    });
    const result = await client.functions.invoke<{ body: string; method: string }>('hello', {
      body: { ping: 1 },
    });
    expect(result.error).toBeNull();
    const data = result.data;
    expect(data?.method).toBe('POST');
    expect(JSON.parse(data!.body)).toEqual({ ping: 1 });
  });

  it('picks up edited and new functions without a restart', async () => {
    const before = (await (await env.call('hello', { headers: auth() })).json()) as { version: number };
    expect(before.version).toBe(1);
    env.write(
      'functions/hello/index.ts',
      FILES['functions/hello/index.ts']!.replace('const version: number = 1;', 'const version: number = 2;'),
    );
    const after = (await (await env.call('hello', { headers: auth() })).json()) as { version: number };
    expect(after.version).toBe(2);
    expect(env.logs.some((l) => l.startsWith('[hello] changed: recompiled'))).toBe(true);

    expect((await env.call('brand-new', { headers: auth() })).status).toBe(404);
    env.write('functions/brand-new/index.ts', `Deno.serve(() => new Response('new here'));`);
    expect(await (await env.call('brand-new', { headers: auth() })).text()).toBe('new here');

    // A change in a shared module the function imports counts too.
    env.write('functions/_shared/word.ts', `export const word = 'first';`);
    env.write(
      'functions/uses-shared/index.ts',
      `import { word } from '../_shared/word.ts'; Deno.serve(() => new Response(word));`,
    );
    expect(await (await env.call('uses-shared', { headers: auth() })).text()).toBe('first');
    env.write('functions/_shared/word.ts', `export const word = 'second';`);
    expect(await (await env.call('uses-shared', { headers: auth() })).text()).toBe('second');

    // A broken edit is a 503 until it is fixed; the fix is picked up too.
    env.write('functions/brand-new/index.ts', `Deno.serve(() => new Response('oops'`);
    expect((await env.call('brand-new', { headers: auth() })).status).toBe(503);
    env.write('functions/brand-new/index.ts', `Deno.serve(() => new Response('fixed'));`);
    expect(await (await env.call('brand-new', { headers: auth() })).text()).toBe('fixed');
  });

  it("answers with Kong's 502 when the runtime is not running", async () => {
    await env.stopRuntime();
    const response = await env.call('open');
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({
      message: 'An invalid response was received from the upstream server',
    });
  });
});

describe('Edge Functions runtime limits', () => {
  let env: FunctionsTestEnv;
  beforeAll(async () => {
    env = await startFunctionsTestEnv({
      files: {
        'config.toml': '[functions.loop]\nverify_jwt = false\n[functions.quick]\nverify_jwt = false\n',
        'functions/loop/index.ts': `Deno.serve(() => { for (;;) {} });`,
        'functions/quick/index.ts': `Deno.serve(() => new Response('quick'));`,
      },
      jwtSecret: SECRET,
      timeoutMs: 1500,
    });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('stops a function that runs past the wall clock limit with 546 WORKER_LIMIT; others keep working', async () => {
    const response = await env.call('loop');
    expect(response.status).toBe(546);
    expect(await response.json()).toEqual({
      code: 'WORKER_LIMIT',
      message: 'Worker failed to respond due to a resource limit (please check logs)',
    });
    expect(env.logs.join('\n')).toContain('[loop] GET /loop: no response within 1500 ms');
    expect(await (await env.call('quick')).text()).toBe('quick');
  });
});
