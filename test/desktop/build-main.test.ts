import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { PROJECT_ROOT } from '../../main/stack/project-paths.js';
import { rewriteImportMeta } from '../../main/process/source-locations.js';
import { buildMain } from '../../scripts/build-main.js';

describe('rewriteImportMeta', () => {
  it('points import.meta at the source file, relative to the bundle', () => {
    const out = rewriteImportMeta(
      'const a = import.meta.dirname; const b = import.meta.url;',
      '/repo/main/services/api/api-service.ts',
      '/repo/out/main',
    );
    expect(out).toContain('new URL("../../main/services/api/api-service.ts", import.meta.url).href');
    expect(out).not.toMatch(/import\.meta\.dirname/);
  });

  it('leaves other sources alone', () => {
    expect(rewriteImportMeta('export const x = 1;', '/repo/a.ts', '/repo/out')).toBe('export const x = 1;');
  });
});

describe('build:main', () => {
  // Inside the project, so the bundle resolves node_modules like out/main does.
  const outDir = mkdtempSync(path.join(PROJECT_ROOT, 'out', 'test-main-'));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('bundles an ESM main, a CommonJS preload and an app manifest', async () => {
    const begun = Date.now();
    await buildMain(outDir);
    console.log(`build:main in ${Date.now() - begun} ms`);
    const manifest = JSON.parse(readFileSync(path.join(outDir, 'package.json'), 'utf8')) as { main: string };
    expect(existsSync(path.join(outDir, manifest.main))).toBe(true);
    const preload = readFileSync(path.join(outDir, 'preload.cjs'), 'utf8');
    expect(preload).toContain('require("electron")');
    expect(preload).toContain('exposeInMainWorld("flowDesktop"');
    expect(preload).not.toMatch(/require\("node:/);
    const main = readFileSync(path.join(outDir, 'electron-main.mjs'), 'utf8');
    expect(main).not.toMatch(/import\.meta\.dirname/);
    // PROJECT_ROOT is computed from project-paths.ts's source location, not the bundle's.
    expect(main).toContain('new URL("../../main/stack/project-paths.ts", import.meta.url)');
  });

  it('loads under a stand-in for Electron: every import resolves from the bundle', () => {
    // A loader hook maps 'electron' to a stub whose single-instance lock is taken, so the app quits at once.
    const stub = path.join(outDir, 'electron-stub.mjs');
    writeFileSync(
      stub,
      [
        'const noop = () => undefined;',
        "export const app = { requestSingleInstanceLock: () => false, quit: () => console.log('quit') };",
        'export const BrowserWindow = class {}; export const Tray = class {};',
        'export const Menu = {}; export const nativeImage = {}; export const ipcMain = { on: noop };',
        'export const clipboard = {}; export const dialog = {}; export const shell = {};',
      ].join('\n'),
    );
    const hooks = path.join(outDir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `export async function resolve(spec, ctx, next) { return spec === 'electron' ? { url: ${JSON.stringify(pathToFileURL(stub).href)}, shortCircuit: true } : next(spec, ctx); }`,
    );
    const register = path.join(outDir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});`,
    );
    const run = spawnSync(process.execPath, ['--import', register, path.join(outDir, 'electron-main.mjs')], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('quit');
    expect(run.status).toBe(0);
  });
});
