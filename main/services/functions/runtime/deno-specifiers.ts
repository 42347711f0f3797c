import type { Plugin } from 'esbuild';

import { functionModule } from '../../../process/service-bundle.js';

/**
 * Modules the runtime provides to functions, wherever the app is installed (functions do not reach into its
 * folders by relative paths): `flow-desktop:sops` seals connector configs as sops documents.
 */
export const BUILTIN_MODULES: Readonly<Record<string, string>> = {
  // Built by `npm run build` from shared/sops/seal-config.ts: a packaged app has no sources.
  'flow-desktop:sops': functionModule('functions/sops'),
};

/** `npm:name@version/sub/path` (or an esm.sh URL) → the bare specifier `name/sub/path`, or null. */
export function bareSpecifierOf(specifier: string): string | null {
  let rest: string;
  if (specifier.startsWith('npm:')) rest = specifier.slice('npm:'.length);
  else {
    const m = /^https?:\/\/esm\.sh\/(?:v\d+\/)?([^?#]+)/.exec(specifier);
    if (!m) return null;
    rest = m[1]!;
  }
  rest = rest.replace(/^\/+/, '');
  const parts = rest.split('/');
  const scoped = parts[0]!.startsWith('@');
  const nameParts = parts.slice(0, scoped ? 2 : 1);
  // The version goes with the last part of the name: @scope/pkg@1.2 or pkg@^1.
  const last = nameParts.length - 1;
  nameParts[last] = nameParts[last]!.replace(/@[^@]*$/, '');
  if (nameParts.some((p) => p === '' || p === '@')) return null;
  return [...nameParts, ...parts.slice(nameParts.length)].join('/');
}

/** Deno's std `serve` (https://deno.land/std@…/http/server.ts), as the 2022 functions imported it. */
const STD_HTTP_SERVER = /^https:\/\/deno\.land\/std(@[^/]+)?\/http\/server\.ts$/;

/** Type-only modules functions import for their editor (`jsr:@supabase/functions-js/edge-runtime.d.ts`). */
const TYPES_ONLY = /\.d\.ts$/;

const STD_SERVE_SHIM = `
export function serve(handler, options) {
  return globalThis.Deno.serve(options ?? {}, handler).finished;
}
`;

/**
 * Resolves the specifiers Deno understands and a bundler does not: `npm:` (and esm.sh URLs) from Flow Desktop's
 * own node_modules, whatever the version asked for; std's `http/server.ts` as a shim over Deno.serve; `.d.ts`
 * imports as nothing; `flow-desktop:` modules to the app's own. Any other remote import is an error that says
 * so: nothing is fetched.
 */
export function denoSpecifiers(): Plugin {
  return {
    name: 'deno-specifiers',
    setup(build) {
      build.onResolve({ filter: /^flow-desktop:/ }, (args) => {
        const file = BUILTIN_MODULES[args.path];
        return file
          ? { path: file }
          : {
              errors: [
                {
                  text: `cannot import ${args.path}: the runtime provides ${Object.keys(BUILTIN_MODULES).join(', ')}`,
                },
              ],
            };
      });
      build.onResolve({ filter: /^(npm:|https?:\/\/|jsr:)/ }, async (args) => {
        if (STD_HTTP_SERVER.test(args.path)) return { path: 'std/http/server.ts', namespace: 'deno-shim' };
        if (TYPES_ONLY.test(args.path)) return { path: args.path, namespace: 'deno-empty' };
        const bare = bareSpecifierOf(args.path);
        if (bare === null) {
          return {
            errors: [
              {
                text: `cannot import ${args.path}: remote modules are not fetched here; import an installed npm package with "npm:<name>"`,
              },
            ],
          };
        }
        const resolved = await build.resolve(bare, {
          kind: args.kind,
          resolveDir: args.resolveDir,
          importer: args.importer,
        });
        if (resolved.errors.length > 0) {
          return {
            errors: [
              {
                text: `cannot import ${args.path}: the npm package "${bare}" is not installed with Flow Desktop`,
              },
            ],
          };
        }
        return { path: resolved.path, external: resolved.external, sideEffects: resolved.sideEffects };
      });
      build.onLoad({ filter: /.*/, namespace: 'deno-shim' }, () => ({
        contents: STD_SERVE_SHIM,
        loader: 'js',
      }));
      build.onLoad({ filter: /.*/, namespace: 'deno-empty' }, () => ({
        contents: 'export {};',
        loader: 'js',
      }));
    },
  };
}
