// The packaged app runs read-only. electron-builder lays the app out from the project's own configuration
// (with a stand-in for the Electron binary), the layout is mounted read-only, and the stack runs from it with
// plain Node (as Electron's Node mode runs it) and a separate writable data directory: every service
// healthy, the GUI served, a publication processed, and not one file created or changed in the app.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { isAlive, signalGroup, waitUntil } from '../../main/process/process-group.js';
import { PROJECT_ROOT } from '../../main/stack/project-paths.js';
import { buildApp } from '../../scripts/build/build-app.js';
import type { CliResult, StatusJson } from '../support/cli.js';
import { freePort } from '../support/free-port.js';
import {
  mountReadOnly,
  openToAll,
  packageApp,
  type ReadOnlyMount,
  snapshotTree,
  unpackAsar,
} from '../support/packaged-app.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-packaged-'));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-packaged-data-'));
let mount: ReadOnlyMount | null = null;
/** What electron-builder left outside app.asar, relative to app.asar.unpacked. */
let unpackedFiles: string[] = [];
let refused: string | null = null;

/** supabase-js wants a WebSocket class on Node 20; realtime is not served, so none is ever made. */
class UnusedWebSocket {
  constructor() {
    throw new Error('realtime is not served by the embedded API');
  }
}

/** Runs the packaged CLI (`resources/app/bin/flow-desktop.js`) from the read-only mount. */
function packagedCli(args: readonly string[]): Promise<CliResult> {
  const bin = path.join(mount?.path ?? '', 'resources', 'app', 'bin', 'flow-desktop.js');
  // Nothing from the checkout may leak in: no NODE_PATH, no FLOW_DESKTOP_* settings of the test run.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => key !== 'NODE_PATH' && !key.startsWith('FLOW_DESKTOP_')),
  );
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args, '--data-dir', dataDir],
      { cwd: os.tmpdir(), env: { ...env, FORCE_COLOR: '0' }, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** The command lines of a process and its descendants. */
function commandLines(root: number): string[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const lines: string[] = [];
  const visit = (pid: number): void => {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      return;
    }
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return lines;
}

describe.skipIf(process.platform !== 'linux')('the packaged app, read-only', () => {
  let before: Map<string, string>;
  let supervisorPid: number | null = null;

  beforeAll(async () => {
    const begun = Date.now();
    await buildApp(PROJECT_ROOT);
    const appDir = await packageApp(scratch);
    const unpacked = path.join(appDir, 'resources', 'app.asar.unpacked');
    unpackedFiles = [...snapshotTree(unpacked).keys()];
    unpackAsar(appDir);
    openToAll(scratch);
    const mounted = mountReadOnly(appDir, path.join(scratch, 'ro'));
    if ('refused' in mounted) {
      refused = mounted.refused;
      console.warn(`SKIPPED: the packaged app cannot be mounted read-only here (${refused})`);
      return;
    }
    mount = mounted.mount;
    before = snapshotTree(mount.path);
    console.log(`packaged and mounted read-only in ${Date.now() - begun} ms (${before.size} entries)`);
  }, 600_000);

  afterAll(async () => {
    if (supervisorPid !== null && isAlive(supervisorPid)) {
      process.kill(supervisorPid, 'SIGTERM');
      if (!(await waitUntil(() => isAlive(supervisorPid ?? 0), 20_000)))
        signalGroup(supervisorPid, 'SIGKILL');
    }
    const postmaster = path.join(dataDir, 'postgres', 'postmaster.pid');
    try {
      const pid = Number(readFileSync(postmaster, 'utf8').split('\n')[0]);
      if (pid > 0 && isAlive(pid)) signalGroup(pid, 'SIGINT');
    } catch {
      // No Postgres left running.
    }
    mount?.unmount();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('ships the build, not the sources, and no native addon', () => {
    if (!mount) return;
    const app = [...before.keys()].filter((p) => p.startsWith(path.join('resources', 'app') + path.sep));
    const appFiles = app.map((p) => path.relative(path.join('resources', 'app'), p));
    expect(appFiles).toContain(path.join('out', 'main', 'cli.mjs'));
    expect(appFiles).toContain(path.join('out', 'renderer', 'index.html'));
    expect(appFiles.filter((f) => !f.startsWith('node_modules') && f.endsWith('.ts'))).toEqual([]);
    expect(appFiles.filter((f) => f.endsWith('.node'))).toEqual([]);
    for (const devOnly of ['vite', 'tsx', 'vitest', 'electron-builder', 'typescript']) {
      expect(appFiles, devOnly).not.toContain(path.join('node_modules', devOnly, 'package.json'));
    }
    // Outside the archive: what esbuild (its own process) runs and reads when it compiles Edge Functions.
    for (const file of [
      'node_modules/@esbuild/linux-x64/bin/esbuild',
      'out/main/functions/worker-runtime.mjs',
      'out/main/functions/sops.mjs',
      'node_modules/handlebars/package.json',
    ]) {
      expect(unpackedFiles, file).toContain(path.join(...file.split('/')));
    }
    expect(unpackedFiles.filter((f) => f.startsWith(path.join('out', 'main', 'cli')))).toEqual([]);
    // The extra resources main/app/resource-paths.ts looks for, and only those.
    const resources = (p: string): boolean => before.has(path.join('resources', p));
    for (const file of ['config.toml', 'seed.sql', 'bootstrap', 'migrations']) {
      expect(resources(path.join('supabase', file)), file).toBe(true);
    }
    expect(resources(path.join('supabase', 'tests'))).toBe(false);
    expect(resources(path.join('postgres', 'native', 'bin', 'postgres'))).toBe(true);
    expect(resources('icon.png')).toBe(true);
    expect(resources(path.join('bin', 'README.md'))).toBe(false);
  });

  it('runs the whole stack from the read-only app with a separate data directory', async (ctx) => {
    if (!mount) return ctx.skip(`the packaged app cannot be mounted read-only here: ${refused ?? ''}`);
    const ports = ['--db-port', '--api-port', '--ui-port', '--mailbox-port'];
    const portArgs = (await Promise.all(ports.map(async (flag) => [flag, String(await freePort())]))).flat();
    const serve = await packagedCli(['serve', '--detach', '--agents', '2', ...portArgs]);
    expect(serve.code, serve.stdout + serve.stderr).toBe(0);
    const status = JSON.parse((await packagedCli(['status', '--json'])).stdout) as StatusJson & {
      UI_URL?: string;
    };
    supervisorPid = status.pid;
    const states = Object.fromEntries(status.services.map((s) => [s.name, s.state]));
    expect(states).toMatchObject({
      postgres: 'healthy',
      migrate: 'completed',
      'supabase-api': 'healthy',
      'agent-1': 'healthy',
      'agent-2': 'healthy',
    });
    for (const [name, state] of Object.entries(states)) {
      expect(['healthy', 'completed', 'not-installed'], name).toContain(state);
    }

    // Everything runs from the app: the services' bundles and Postgres' binaries under the mount.
    const lines = commandLines(status.pid ?? 0);
    const app = path.join(mount.path, 'resources', 'app');
    expect(lines.filter((l) => l.includes(path.join(app, 'out', 'main', 'agent.mjs')))).toHaveLength(2);
    expect(lines.some((l) => l.includes(path.join(app, 'out', 'main', 'supabase-api.mjs')))).toBe(true);
    expect(lines.some((l) => l.startsWith(path.join(mount!.path, 'resources', 'postgres')))).toBe(true);
    expect(lines.some((l) => l.includes(PROJECT_ROOT))).toBe(false);

    // The GUI is served from the app's build.
    const link = (JSON.parse((await packagedCli(['status', '--json'])).stdout) as { UI_URL?: string }).UI_URL;
    expect(link).toBeDefined();
    const origin = new URL(link ?? '').origin;
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const script = /src="\.?\/?(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${origin}/${script ?? ''}`)).status).toBe(200);

    // An Edge Function compiles and answers: its sources come from resources/supabase/functions, the worker
    // runtime and flow-desktop:sops from the build, handlebars from the app's node_modules.
    const fn = await fetch(`${status.API_URL}/functions/v1/oauth`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${status.ANON_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'no-such-operation' }),
    });
    expect({ status: fn.status, body: await fn.text() }).toEqual({
      status: 400,
      body: JSON.stringify({ error: 'unknown_operation' }),
    });

    // A publication, through the API as a seeded user, processed by an agent.
    const supabase = createClient(status.API_URL, status.ANON_KEY, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: UnusedWebSocket as never },
    });
    const signIn = await supabase.auth.signInWithPassword({
      email: 'alice@example.com',
      password: 'password',
    });
    expect(signIn.error).toBeNull();
    const draft = await supabase.from('drafts').insert({ detail: 'packaged app' }).select('id').single();
    expect(draft.error).toBeNull();
    const draftId = (draft.data as { id: string }).id;
    const spec = await supabase.from('draft_specs').insert({
      draft_id: draftId,
      catalog_name: 'aliceCo/packaged/greetings',
      spec_type: 'collection',
      spec: {
        schema: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
        key: ['/id'],
      },
    });
    expect(spec.error).toBeNull();
    const pub = await supabase.from('publications').insert({ draft_id: draftId }).select('id').single();
    expect(pub.error).toBeNull();
    const pubId = (pub.data as { id: string }).id;
    let outcome = 'queued';
    await expect
      .poll(
        async () => {
          const row = await supabase.from('publications').select('job_status').eq('id', pubId).single();
          outcome = (row.data as { job_status: { type: string } }).job_status.type;
          return outcome;
        },
        { timeout: 30_000, interval: 100 },
      )
      .not.toBe('queued');
    const errors = await supabase.from('draft_errors').select('scope, detail').eq('draft_id', draftId);
    expect({ outcome, errors: errors.data }).toEqual({ outcome: 'success', errors: [] });
    const live = await supabase
      .from('live_specs')
      .select('catalog_name')
      .eq('catalog_name', 'aliceCo/packaged/greetings');
    expect(live.data).toEqual([{ catalog_name: 'aliceCo/packaged/greetings' }]);

    // `db diff` without --pending-dir: the app's supabase/ is read-only, so the file goes to the data directory
    // (and the Migrations page lists it from there).
    const drift = new pg.Client({ connectionString: status.DB_URL });
    await drift.connect();
    try {
      await drift.query('create table public.packaged_drift (id integer)');
    } finally {
      await drift.end();
    }
    const diff = await packagedCli(['db', 'diff', '--target', status.DB_URL, '--name', 'packaged', '--json']);
    expect(diff.code, diff.stderr).toBe(0);
    const written = (JSON.parse(diff.stdout) as { path: string | null }).path;
    expect(written).not.toBeNull();
    expect(path.dirname(written ?? '')).toBe(path.join(dataDir, 'pending'));
    expect(readFileSync(written ?? '', 'utf8')).toMatch(/drop table "public"\."packaged_drift"/i);
    expect(existsSync(path.join(mount.path, 'resources', 'supabase', 'pending'))).toBe(false);

    const down = await packagedCli(['down']);
    expect(down.code, down.stderr).toBe(0);
    expect(isAlive(status.pid ?? 0)).toBe(false);
    supervisorPid = null;

    // Not one file created, removed or changed in the app.
    const after = snapshotTree(mount.path);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter(
      (p) => before.get(p) !== after.get(p),
    );
    expect(changed).toEqual([]);
  }, 300_000);
});
