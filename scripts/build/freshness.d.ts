/** The file a build writes last, naming its inputs (relative to the root) and when it began. */
export const MANIFEST: string;

/** Why the build in `outDir` is stale, or null when it is fresh. */
export function staleReason(root: string, outDir: string): string | null;

/** Every file under `dirs` (relative to `root`), skipping node_modules and dot-folders. */
export function filesUnder(root: string, dirs: readonly string[]): string[];
