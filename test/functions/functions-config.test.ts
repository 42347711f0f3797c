import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { parse } from 'smol-toml';
import { afterAll, describe, expect, it } from 'vitest';

import { functionsServices } from '../../main/services/functions/functions-service.js';
import { functionsSocketPath } from '../../main/services/functions/functions-socket.js';
import { bareSpecifierOf } from '../../main/services/functions/runtime/deno-specifiers.js';
import type { StackServiceContext } from '../../main/stack/stack-services.js';
import { startApiServer } from '../../main/supabase-api/api-server.js';
import { edgeRuntimeSettings, functionSettings } from '../../main/supabase-api/config/functions-section.js';
import { freePort } from '../support/free-port.js';

const toml = (text: string): Record<string, unknown> => parse(text);

describe('config.toml for Edge Functions', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('reads [functions.<name>] with the CLI defaults, and names a wrong type', () => {
    expect(functionSettings({}, '/p/supabase', 'hello')).toEqual({
      enabled: true,
      verifyJwt: true,
      entrypoint: '/p/supabase/functions/hello/index.ts',
    });
    const config = toml('[functions.hello]\nverify_jwt = false\nentrypoint = "./functions/hello/main.ts"\n');
    expect(functionSettings(config, '/p/supabase', 'hello')).toEqual({
      enabled: true,
      verifyJwt: false,
      entrypoint: '/p/supabase/functions/hello/main.ts',
    });
    expect(() => functionSettings(toml('[functions.hello]\nverify_jwt = "no"\n'), '/p', 'hello')).toThrow(
      '[functions.hello] verify_jwt in config.toml must be true or false',
    );
    expect(edgeRuntimeSettings({}).enabled).toBe(true);
    expect(edgeRuntimeSettings(toml('[edge_runtime]\nenabled = false\n')).enabled).toBe(false);
  });

  it('[edge_runtime] enabled = false: no edge-functions service, and /functions/v1 is not routed', async () => {
    const supabaseDir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-no-edge-'));
    dirs.push(supabaseDir);
    writeFileSync(path.join(supabaseDir, 'config.toml'), '[edge_runtime]\nenabled = false\n');
    const ctx = { config: { supabaseDir } } as unknown as StackServiceContext;
    expect(functionsServices(ctx)).toEqual([]);
    writeFileSync(path.join(supabaseDir, 'config.toml'), '');
    expect(
      functionsServices({
        config: { supabaseDir, ports: { api: 1 }, layout: { root: supabaseDir } },
      } as unknown as StackServiceContext).map((s) => s.name),
    ).toEqual(['edge-functions']);

    const api = await startApiServer({
      port: 0,
      mailboxPort: null,
      dbPort: await freePort(),
      jwtSecret: 'no-edge-secret-of-at-least-32-characters',
      mailboxDir: null,
      functionsSocket: null,
    });
    try {
      const response = await fetch(`${api.url}/functions/v1/oauth`, { method: 'POST' });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ message: 'no Route matched with those values' });
    } finally {
      await api.close();
    }
  });

  it('keeps the socket path short enough for every platform', () => {
    expect(functionsSocketPath('/var/lib/flow-desktop')).toBe('/var/lib/flow-desktop/run/functions.sock');
    const deep = `/tmp/${'very-long-folder-name/'.repeat(6)}data`;
    const fallback = functionsSocketPath(deep);
    expect(fallback).toMatch(/flow-desktop-[0-9a-f]{16}-functions\.sock$/);
    expect(Buffer.byteLength(fallback)).toBeLessThanOrEqual(100);
    expect(functionsSocketPath(deep)).toBe(fallback);
  });

  it('maps npm: and esm.sh specifiers to installed packages, whatever the version', () => {
    expect(bareSpecifierOf('npm:handlebars@4.7.8')).toBe('handlebars');
    expect(bareSpecifierOf('npm:@supabase/supabase-js@2/dist/x')).toBe('@supabase/supabase-js/dist/x');
    expect(bareSpecifierOf('npm:smol-toml')).toBe('smol-toml');
    expect(bareSpecifierOf('https://esm.sh/handlebars')).toBe('handlebars');
    expect(bareSpecifierOf('https://esm.sh/v135/@scope/pkg@1.2.3/sub?target=deno')).toBe('@scope/pkg/sub');
    expect(bareSpecifierOf('https://deno.land/x/oak/mod.ts')).toBeNull();
  });
});
