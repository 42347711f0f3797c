// Vitest global setup: brings out/ up to date before any test runs, because tests start the CLI, the API and
// the agents from the build (as users do). Only stale parts are rebuilt (about a second for the Node
// bundles, one or two for the GUI); a fresh build costs a few stat calls.
import { PROJECT_ROOT } from '../../main/stack/project-paths.js';
import { buildApp } from '../../scripts/build/build-app.js';

/** Builds what is older than its sources. */
export default async function buildBeforeTests(): Promise<void> {
  await buildApp(PROJECT_ROOT, { log: (line) => console.log(`[build] ${line}`) });
}
