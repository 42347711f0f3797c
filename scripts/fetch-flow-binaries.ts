// Fetches Flow's release binaries for this platform into resources/bin/ (shared/reference/flow-contracts.md §5):
//
//   npx tsx scripts/fetch-flow-binaries.ts [--dest <dir>] [--url <tarball URL>] [--platform <os-arch>]
//
// Published binaries exist for Linux x64 only: the rolling `dev` release's flow-x86-linux.tar.gz (flat:
// flowctl-go, etcd, gazette, sops, ...). macOS has none (build estuary/flow from source, or run the Linux
// binaries in a container such as ghcr.io/estuary/flow); Windows neither. data-plane-gateway is not in the
// tarball and has no published binary: build it from estuary/data-plane-gateway. The tarball is checked against
// `<url>.sha256` when the release publishes one; either way every binary the stack needs is run once
// (`--help`/`--version`) before anything is installed, so a broken download never replaces working binaries.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** The 2022 release asset: rebuilt from master into the rolling `dev` prerelease. */
export const RELEASE_URL = 'https://github.com/estuary/flow/releases/download/dev/flow-x86-linux.tar.gz';

/** Where the binaries go by default: the folder packaged builds bundle (and the stack searches). */
export const DEFAULT_DEST = path.join(import.meta.dirname, '..', 'resources', 'bin');

/** The binaries the stack needs from the tarball, and how each is checked to run. */
export const REQUIRED: readonly { readonly name: string; readonly args: readonly string[] }[] = [
  { name: 'flowctl-go', args: ['--help'] },
  { name: 'etcd', args: ['--version'] },
  { name: 'gazette', args: ['--help'] },
];

/** Platforms (`process.platform-process.arch`) with published binaries. */
export const PUBLISHED_PLATFORMS: Readonly<Record<string, string>> = { 'linux-x64': RELEASE_URL };

/** Whether a platform has published binaries, and what to do when it has not. */
export function platformSupport(
  platform: string,
): { published: true } | { published: false; advice: string } {
  if (platform in PUBLISHED_PLATFORMS) return { published: true };
  const macos = platform.startsWith('darwin-');
  return {
    published: false,
    advice: macos
      ? `Flow publishes no data-plane binaries for macOS (${platform}): build estuary/flow from source ` +
        '(`make package` on a Mac) or run the Linux binaries in a container (ghcr.io/estuary/flow has them in ' +
        '/usr/local/bin), then point --bin-dir at them. Only Linux x64 has published binaries.'
      : `Flow publishes no binaries for ${platform}: only Linux x64 has them (${RELEASE_URL}). Build ` +
        'estuary/flow from source, or run the Linux binaries in a container (ghcr.io/estuary/flow).',
  };
}

/** What a fetch did. */
export interface FetchResult {
  readonly installed: readonly string[];
  /** How the download was verified. */
  readonly verified: 'checksum' | 'run';
  readonly dest: string;
}

/** Options of a fetch (the URL is overridable for other releases, mirrors and tests). */
export interface FetchOptions {
  readonly dest?: string;
  readonly url?: string;
  readonly platform?: string;
  readonly log?: (line: string) => void;
}

/** Downloads, checks, and installs the binaries; throws one sentence saying what went wrong. */
export async function fetchFlowBinaries(options: FetchOptions = {}): Promise<FetchResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const platform = options.platform ?? `${process.platform}-${process.arch}`;
  const support = platformSupport(platform);
  if (!support.published) throw new Error(support.advice);
  const url = options.url ?? PUBLISHED_PLATFORMS[platform] ?? RELEASE_URL;
  const dest = path.resolve(options.dest ?? DEFAULT_DEST);
  const begun = Date.now();
  const elapsed = (): string => `${((Date.now() - begun) / 1000).toFixed(1)} s`;
  const staging = mkdtempSync(path.join(os.tmpdir(), 'flow-binaries-'));
  try {
    const tarball = path.join(staging, 'flow.tar.gz');
    log(`… downloading ${url}`);
    const bytes = await download(url, tarball, (done, total) =>
      log(`  … ${mb(done)}${total ? ` of ${mb(total)}` : ''} (${elapsed()})`),
    );
    log(`✓ downloaded ${mb(bytes)} (${elapsed()})`);

    const published = await publishedChecksum(`${url}.sha256`);
    if (published) {
      const actual = createHash('sha256').update(readFileSync(tarball)).digest('hex');
      if (actual !== published)
        throw new Error(`the download's sha256 is ${actual}, but the release publishes ${published}`);
      log(`✓ sha256 matches the published checksum (${elapsed()})`);
    } else {
      log('  no checksum is published for this release: the binaries are checked by running them');
    }

    const extracted = path.join(staging, 'extracted');
    mkdirSync(extracted);
    await run('tar', ['-xzf', tarball, '-C', extracted], 120_000).catch((error: unknown) => {
      throw new Error(`the download is not a readable .tar.gz: ${errorText(error)}`);
    });
    const files = readdirSync(extracted).filter((f) => statSync(path.join(extracted, f)).isFile());
    for (const { name, args } of REQUIRED) {
      const file = path.join(extracted, name);
      if (!files.includes(name))
        throw new Error(`the tarball has no ${name} (it has: ${files.join(', ') || 'nothing'})`);
      chmodSync(file, 0o755);
      const output = await run(file, args, 15_000).catch((error: unknown) => {
        throw new Error(`${name} ${args.join(' ')} failed, so it cannot run here: ${errorText(error)}`);
      });
      if (output.trim() === '') throw new Error(`${name} ${args.join(' ')} printed nothing`);
      log(`✓ ${name} runs (${elapsed()})`);
    }

    mkdirSync(dest, { recursive: true });
    for (const name of files) {
      // Copied aside and renamed into place: a running binary is replaced, never half-written.
      const scratch = path.join(dest, `.${name}.${process.pid}.tmp`);
      copyFileSync(path.join(extracted, name), scratch);
      chmodSync(scratch, 0o755);
      renameSync(scratch, path.join(dest, name));
    }
    log(`✓ installed ${files.length} binaries into ${dest} (${elapsed()}): ${files.sort().join(', ')}`);
    if (!existsSync(path.join(dest, 'data-plane-gateway'))) {
      log(
        '  data-plane-gateway has no published binary: build it from github.com/estuary/data-plane-gateway ' +
          `(\`go build\`) and put it in ${dest} to get shard status and journal previews in the GUI.`,
      );
    }
    return { installed: files.sort(), verified: published ? 'checksum' : 'run', dest };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Streams a URL to a file, reporting progress at most once a second. Returns the bytes written. */
async function download(
  url: string,
  file: string,
  progress: (done: number, total: number | null) => void,
): Promise<number> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: 'follow' });
  } catch (error: unknown) {
    throw new Error(`cannot download ${url}: ${errorText(error)} (this needs internet access)`);
  }
  if (!response.ok || !response.body) throw new Error(`downloading ${url} failed: HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length')) || null;
  const out = createWriteStream(file);
  let done = 0;
  let reported = Date.now();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    done += chunk.length;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    if (Date.now() - reported >= 1000) {
      reported = Date.now();
      progress(done, total);
    }
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return done;
}

/** The hex digest of `<url>.sha256` (sha256sum format), or null when the release publishes none. */
async function publishedChecksum(url: string): Promise<string | null> {
  const response = await fetch(url, { redirect: 'follow' }).catch(() => null);
  if (!response?.ok) return null;
  const digest = /^[0-9a-f]{64}\b/i.exec((await response.text()).trim())?.[0];
  if (!digest) throw new Error(`${url} does not hold a sha256 digest`);
  return digest.toLowerCase();
}

function run(file: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs }, (error, stdout, stderr) => {
      if (error) reject(new Error((stderr.trim() || error.message).split('\n')[0]));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dest: { type: 'string' },
      url: { type: 'string' },
      platform: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      'Usage: npx tsx scripts/fetch-flow-binaries.ts [--dest <dir>] [--url <tarball URL>] [--platform <os-arch>]\n' +
        `Fetches Flow's binaries into ${DEFAULT_DEST}. Published for: ${Object.keys(PUBLISHED_PLATFORMS).join(', ')}.`,
    );
    return;
  }
  await fetchFlowBinaries({
    ...(values.dest ? { dest: values.dest } : {}),
    ...(values.url ? { url: values.url } : {}),
    ...(values.platform ? { platform: values.platform } : {}),
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(`fetch-flow-binaries: ${errorText(error)}`);
    process.exit(1);
  });
}
