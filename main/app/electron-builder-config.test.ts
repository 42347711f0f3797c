import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { packageBinaries } from '../services/postgres/postgres-binaries.js';
import { PROJECT_ROOT } from '../stack/project-paths.js';
import { locateResources, PACKAGED_RESOURCES } from './resource-paths.js';

// js-yaml and app-builder-lib come with electron-builder (a devDependency); no YAML package of our own.
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };

interface ExtraResource {
  readonly from: string;
  readonly to: string;
  readonly filter?: readonly string[];
}
interface BuilderConfig {
  readonly appId: string;
  readonly asar?: boolean;
  readonly asarUnpack?: readonly string[];
  readonly extraMetadata?: { readonly main?: string };
  readonly files: readonly string[];
  readonly extraResources: readonly ExtraResource[];
  readonly linux: { readonly target: readonly string[] };
  readonly mac: { readonly target: readonly string[] };
  readonly win: { readonly target: readonly string[] };
}

const CONFIG_FILE = path.join(PROJECT_ROOT, 'electron-builder.yml');
const config = yaml.load(readFileSync(CONFIG_FILE, 'utf8')) as BuilderConfig;
const expand = (from: string): string =>
  from.replace('${platform}', process.platform).replace('${arch}', process.arch);
const resource = (to: string): ExtraResource => {
  const found = config.extraResources.find((r) => r.to === to);
  if (!found) throw new Error(`no extraResources entry to "${to}"`);
  return found;
};

/** The subset of electron-builder's filter globs this config uses: `x`, `dir/**`, `**\/*`, `!x`. */
function matches(relative: string, filter: readonly string[] | undefined): boolean {
  if (!filter) return true;
  const hit = (pattern: string): boolean =>
    pattern === '**/*' ||
    pattern === relative ||
    (pattern.endsWith('/**') && relative.startsWith(pattern.slice(0, -2)));
  const included = filter.filter((p) => !p.startsWith('!')).some(hit);
  const excluded = filter.filter((p) => p.startsWith('!')).some((p) => hit(p.slice(1)));
  return included && !excluded;
}

/** Copies the extra resources the way electron-builder would, into a fake `resources/` folder. */
function packageExtraResources(target: string): void {
  for (const entry of config.extraResources) {
    const from = path.join(PROJECT_ROOT, expand(entry.from));
    const to = path.join(target, entry.to);
    if (statSync(from).isFile()) {
      cpSync(from, to);
      continue;
    }
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const abs = path.join(dir, name);
        const rel = path.relative(from, abs).split(path.sep).join('/');
        if (statSync(abs).isDirectory() && !matches(rel, entry.filter)) walk(abs);
        else if (matches(rel, entry.filter))
          cpSync(abs, path.join(to, rel), { recursive: true, verbatimSymlinks: true });
      }
    };
    walk(from);
  }
}

describe('electron-builder.yml', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-packaged-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('builds AppImage and deb, dmg, and nsis', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toContain('dmg');
    expect(config.win.target).toContain('nsis');
  });

  it('ships the bundled main process and the built GUI as the app', () => {
    expect(config.extraMetadata?.main).toBe('out/main/electron-main.mjs');
    expect(config.files).toEqual(expect.arrayContaining(['out/main/**', 'out/renderer/**', 'package.json']));
    // The supervisor's child processes run these sources (supabase-api, agent, the CLI).
    expect(config.files).toEqual(expect.arrayContaining(['main/**', 'shared/**', 'agent/**', 'bin/**']));
  });

  it('keeps native binaries out of an asar archive', () => {
    if (config.asar !== false) expect(config.asarUnpack).toContain('**/*.node');
    // Postgres is an extra resource: outside the app folder whatever asar says.
    expect(resource(PACKAGED_RESOURCES.postgres).filter).toContain('native/**');
  });

  it('lists every extra resource the run-time lookup expects, from folders that exist', () => {
    expect(config.extraResources.map((r) => r.to).sort()).toEqual(Object.values(PACKAGED_RESOURCES).sort());
    expect(resource('supabase').filter).toEqual(
      expect.arrayContaining(['config.toml', 'bootstrap/**', 'migrations/**', 'seed.sql']),
    );
    for (const entry of config.extraResources) {
      expect(existsSync(path.join(PROJECT_ROOT, expand(entry.from))), entry.from).toBe(true);
    }
  });

  it('passes electron-builder’s own schema check', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, linux: { ...config.linux, bogus: 1 } }, new DebugLogger(false)),
    ).rejects.toThrow(/configuration/);
  }, 60_000);

  it('yields a resources folder in which the app finds supabase/ and runnable Postgres binaries', () => {
    const resources = path.join(scratch, 'resources');
    packageExtraResources(resources);
    const found = locateResources(path.join(scratch, 'app'), resources);
    expect(found.layout).toBe('packaged');
    for (const name of ['config.toml', 'seed.sql', 'bootstrap', 'migrations']) {
      expect(existsSync(path.join(found.supabaseDir, name)), name).toBe(true);
    }
    expect(existsSync(path.join(found.supabaseDir, 'tests'))).toBe(false);
    expect(existsSync(found.trayIcon)).toBe(true);
    expect(existsSync(path.join(found.flowBinDir, 'README.md'))).toBe(false);
    expect(found.postgresPackageDir).not.toBeNull();
    const binaries = packageBinaries(found.postgresPackageDir ?? '');
    expect(binaries.binDir.startsWith(resources)).toBe(true);
    expect(execFileSync(binaries.postgres, ['--version'], { encoding: 'utf8' })).toMatch(/PostgreSQL\) 17/);
  });
});
