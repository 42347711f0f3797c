import { existsSync } from 'node:fs';

import { resolveStackConfig, type StackConfig } from '../stack/stack-config.js';
import type { ResourcePaths } from './resource-paths.js';

/**
 * The app's stack configuration: the same resolution as the CLI (so both see the same data directory and
 * ports), plus the bundled Flow binaries folder as the default bin directory when nothing else names one.
 */
export function desktopStackConfig(
  resources: ResourcePaths,
  env: NodeJS.ProcessEnv = process.env,
): StackConfig {
  const config = resolveStackConfig({}, env);
  if (config.flowBinDir !== null || !existsSync(resources.flowBinDir)) return config;
  return resolveStackConfig({ flowBinDir: resources.flowBinDir }, env);
}
