// A packaged app without Electron: electron-builder lays the app out (`--linux dir`, with a stand-in for the
// Electron binary, test/fixtures/electron/), and the asar archive is unpacked beside it so plain Node can run
// it the way Electron's Node mode would.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

import { extractAll } from '@electron/asar';

import { PROJECT_ROOT } from '../../main/stack/project-paths.js';

const run = promisify(execFile);

/**
 * Runs electron-builder on the project's own electron-builder.yml into `outDir` and returns the unpacked
 * app folder (`<outDir>/linux-unpacked`: the executable, `resources/app.asar`, the extra resources).
 */
export async function packageApp(outDir: string): Promise<string> {
  const electronDist = path.join(outDir, 'electron-dist');
  mkdirSync(electronDist, { recursive: true });
  cpSync(
    path.join(PROJECT_ROOT, 'test', 'fixtures', 'electron', 'electron'),
    path.join(electronDist, 'electron'),
  );
  const cli = path.join(PROJECT_ROOT, 'node_modules', 'electron-builder', 'cli.js');
  await run(
    process.execPath,
    [
      cli,
      '--linux',
      'dir',
      '--config',
      'electron-builder.yml',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${path.join(outDir, 'dist')}`,
      '--publish',
      'never',
    ],
    { cwd: PROJECT_ROOT, timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
  );
  return path.join(outDir, 'dist', 'linux-unpacked');
}

/**
 * Unpacks `resources/app.asar` (and the files kept outside it, app.asar.unpacked) into `resources/app`: what
 * Electron reads through its asar support, as plain files Node can read.
 */
export function unpackAsar(appDir: string): string {
  const resources = path.join(appDir, 'resources');
  const target = path.join(resources, 'app');
  extractAll(path.join(resources, 'app.asar'), target);
  const unpacked = path.join(resources, 'app.asar.unpacked');
  if (existsSync(unpacked))
    cpSync(unpacked, target, { recursive: true, force: true, verbatimSymlinks: true });
  rmSync(path.join(resources, 'app.asar'));
  rmSync(unpacked, { recursive: true, force: true });
  return target;
}

/** A read-only view of a folder (a read-only bind mount: root ignores permission bits). */
export interface ReadOnlyMount {
  readonly path: string;
  unmount(): void;
}

/**
 * Mounts `source` read-only at `mountPoint`; null (with the reason) where mounting is refused: not root, or a
 * container without the capability.
 */
export function mountReadOnly(
  source: string,
  mountPoint: string,
): { mount: ReadOnlyMount } | { refused: string } {
  mkdirSync(mountPoint, { recursive: true });
  try {
    execFileSync('mount', ['--bind', source, mountPoint], { stdio: 'pipe' });
  } catch (error: unknown) {
    return { refused: firstLine(error) };
  }
  const mount: ReadOnlyMount = {
    path: mountPoint,
    unmount: () => execFileSync('umount', [mountPoint], { stdio: 'pipe' }),
  };
  try {
    execFileSync('mount', ['-o', 'remount,ro,bind', mountPoint], { stdio: 'pipe' });
  } catch (error: unknown) {
    mount.unmount();
    return { refused: firstLine(error) };
  }
  return { mount };
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return (stderr || (error instanceof Error ? error.message : String(error))).split('\n')[0] ?? '';
}

/** Every entry under `root` with its type, size and modification time: equal snapshots mean nothing changed. */
export function snapshotTree(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      const st = lstatSync(full);
      const type = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : 'file';
      entries.set(path.relative(root, full), `${type} ${st.size} ${st.mtimeMs} ${st.mode.toString(8)}`);
      if (st.isDirectory()) walk(full);
    }
  };
  walk(root);
  return entries;
}

/** Lets every user reach `dir` (the unprivileged Postgres user runs the packaged binaries from it). */
export function openToAll(dir: string): void {
  chmodSync(dir, 0o755);
}
