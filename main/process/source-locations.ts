import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type { Plugin } from 'esbuild';

/**
 * Rewrites `import.meta.url`/`import.meta.dirname`/`import.meta.filename` of `sourceFile` for a bundle in
 * `outDir`, so a bundled module still finds the files it locates relative to itself (supabase/, templates,
 * other entry points) where its source lives.
 */
export function rewriteImportMeta(source: string, sourceFile: string, outDir: string): string {
  if (!/import\.meta\.(url|dirname|filename)\b/.test(source)) return source;
  const relative = path.relative(outDir, sourceFile).split(path.sep).join('/');
  const url = `new URL(${JSON.stringify(relative)}, import.meta.url).href`;
  return [
    `import { fileURLToPath as __sourceFileURLToPath } from 'node:url';`,
    `import { dirname as __sourceDirname } from 'node:path';`,
    source
      .replace(/import\.meta\.url\b/g, url)
      .replace(/import\.meta\.filename\b/g, `__sourceFileURLToPath(${url})`)
      .replace(/import\.meta\.dirname\b/g, `__sourceDirname(__sourceFileURLToPath(${url}))`),
  ].join('\n');
}

/** An esbuild plugin applying rewriteImportMeta to this project's TypeScript. */
export function sourceLocations(outDir: string): Plugin {
  return {
    name: 'source-locations',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        return { contents: rewriteImportMeta(source, args.path, outDir), loader: 'ts' };
      });
    },
  };
}
