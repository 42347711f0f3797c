import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { PROJECT_ROOT } from '../stack/project-paths.js';
import { PACKAGED_RESOURCES } from './resource-paths.js';

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
  readonly npmRebuild?: boolean;
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

// What electron-builder makes of this file, run read-only, is tested in test/desktop/packaged-app.test.ts.
describe('electron-builder.yml', () => {
  it('builds AppImage and deb, dmg, and nsis', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toContain('dmg');
    expect(config.win.target).toContain('nsis');
  });

  it('ships the build output and the CLI launcher as the app, never the sources', () => {
    expect(config.extraMetadata?.main).toBe('out/main/electron-main.mjs');
    expect(config.files).toEqual(
      expect.arrayContaining(['out/main/**', 'out/renderer/**', 'package.json', 'bin/flow-desktop.js']),
    );
    for (const sources of ['main/**', 'shared/**', 'agent/**', 'renderer/**', 'scripts/**']) {
      expect(config.files).not.toContain(sources);
    }
  });

  it('packs the app into asar, unpacking only what must be executed, and rebuilds no native addon', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toEqual(['node_modules/esbuild/**', 'node_modules/@esbuild/**']);
    expect(config.npmRebuild).toBe(false);
    // Postgres is an extra resource: outside the app folder, real files.
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
});
