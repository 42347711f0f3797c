import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { locateResources } from '../app/resource-paths.js';

/** The repository (or unpacked app) root: the folder that holds supabase/ and resources/. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const RESOURCES = locateResources(PROJECT_ROOT);

/** supabase/ with config.toml, bootstrap/, migrations/ and seed.sql (the app's resources when packaged). */
export const SUPABASE_DIR = RESOURCES.supabaseDir;

/** The packaged app's own (read-only) supabase/ folder; null in a development checkout. */
export const PACKAGED_SUPABASE_DIR = RESOURCES.layout === 'packaged' ? RESOURCES.supabaseDir : null;

/** The CLI entry point, used to launch a detached supervisor. */
export const CLI_ENTRY = path.join(PROJECT_ROOT, 'bin', 'flow-desktop.js');
