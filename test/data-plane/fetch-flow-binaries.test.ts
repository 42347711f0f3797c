// scripts/fetch-flow-binaries.ts against a local HTTP server serving a fake release tarball (this machine has no
// internet): download, checksum or run-check, install; and the refusals that keep working binaries in place.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PROJECT_ROOT } from '../../main/stack/project-paths.js';
import { fetchFlowBinaries, platformSupport, RELEASE_URL } from '../../scripts/fetch-flow-binaries.js';

/** A flat tarball like flow-x86-linux.tar.gz, with shell stand-ins for the binaries. */
function fakeTarball(dir: string, brokenFlowctl = false): Buffer {
  const content = path.join(dir, `content-${brokenFlowctl ? 'broken' : 'ok'}`);
  mkdirSync(content, { recursive: true });
  const script = (name: string, body: string): void => {
    writeFileSync(path.join(content, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(content, name), 0o755);
  };
  script(
    'flowctl-go',
    brokenFlowctl
      ? 'echo "cannot execute binary file" >&2; exit 126'
      : 'echo "Usage: flowctl-go [OPTIONS] <command>"',
  );
  script('etcd', 'echo "etcd Version: 3.5.5"');
  script('gazette', 'echo "Usage: gazette [OPTIONS] <serve>"');
  script('sops', 'echo "sops 3.7.3"');
  const tarball = path.join(dir, `flow-${brokenFlowctl ? 'broken' : 'ok'}.tar.gz`);
  execFileSync('tar', ['-czf', tarball, '-C', content, '.']);
  return readFileSync(tarball);
}

describe('fetch-flow-binaries (local release server)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flow-fetch-'));
  const requests: string[] = [];
  let files: Record<string, Buffer | string> = {};
  let server: http.Server;
  let base = '';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      const body = files[req.url ?? ''];
      if (body === undefined) {
        res.writeHead(404);
        res.end('Not Found');
      } else {
        res.writeHead(200, { 'content-length': Buffer.byteLength(body) });
        res.end(body);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const freshDest = (): string => mkdtempSync(path.join(dir, 'dest-'));

  it('downloads, runs each binary once, and installs the whole tarball when no checksum is published', async () => {
    files = { '/flow.tar.gz': fakeTarball(dir) };
    const dest = freshDest();
    const log: string[] = [];
    const result = await fetchFlowBinaries({
      dest,
      url: `${base}/flow.tar.gz`,
      platform: 'linux-x64',
      log: (l) => log.push(l),
    });
    expect(result).toEqual({ installed: ['etcd', 'flowctl-go', 'gazette', 'sops'], verified: 'run', dest });
    expect(readdirSync(dest).sort()).toEqual(['etcd', 'flowctl-go', 'gazette', 'sops']);
    expect(statSync(path.join(dest, 'flowctl-go')).mode & 0o111).toBe(0o111);
    expect(log).toContain(
      '  no checksum is published for this release: the binaries are checked by running them',
    );
    expect(log.some((l) => /^✓ flowctl-go runs \(\d+\.\d s\)$/.test(l))).toBe(true);
    expect(log.some((l) => l.includes('data-plane-gateway has no published binary'))).toBe(true);
  });

  it('checks a published sha256 and refuses a mismatch, installing nothing', async () => {
    const tarball = fakeTarball(dir);
    const digest = createHash('sha256').update(tarball).digest('hex');
    files = { '/flow.tar.gz': tarball, '/flow.tar.gz.sha256': `${digest}  flow.tar.gz\n` };
    const good = freshDest();
    expect(
      (
        await fetchFlowBinaries({
          dest: good,
          url: `${base}/flow.tar.gz`,
          platform: 'linux-x64',
          log: () => undefined,
        })
      ).verified,
    ).toBe('checksum');
    files['/flow.tar.gz.sha256'] = `${'0'.repeat(64)}  flow.tar.gz\n`;
    const bad = freshDest();
    await expect(
      fetchFlowBinaries({
        dest: bad,
        url: `${base}/flow.tar.gz`,
        platform: 'linux-x64',
        log: () => undefined,
      }),
    ).rejects.toThrow(`the download's sha256 is ${digest}, but the release publishes ${'0'.repeat(64)}`);
    expect(readdirSync(bad)).toEqual([]);
  });

  it('refuses binaries that do not run, leaving the installed ones as they were', async () => {
    files = { '/flow.tar.gz': fakeTarball(dir, true) };
    const dest = freshDest();
    writeFileSync(path.join(dest, 'flowctl-go'), 'the working one');
    await expect(
      fetchFlowBinaries({ dest, url: `${base}/flow.tar.gz`, platform: 'linux-x64', log: () => undefined }),
    ).rejects.toThrow('flowctl-go --help failed, so it cannot run here: cannot execute binary file');
    expect(readFileSync(path.join(dest, 'flowctl-go'), 'utf8')).toBe('the working one');
  });

  it('says clearly which platforms have published binaries, without downloading anything', async () => {
    expect(platformSupport('linux-x64')).toEqual({ published: true });
    const before = requests.length;
    await expect(
      fetchFlowBinaries({ dest: freshDest(), url: `${base}/flow.tar.gz`, platform: 'darwin-arm64' }),
    ).rejects.toThrow(
      /no data-plane binaries for macOS \(darwin-arm64\): build estuary\/flow from source .* or run the Linux binaries in a container/,
    );
    await expect(fetchFlowBinaries({ platform: 'win32-x64' })).rejects.toThrow(/only Linux x64 has them/);
    expect(requests.length).toBe(before);
    expect(RELEASE_URL).toBe('https://github.com/estuary/flow/releases/download/dev/flow-x86-linux.tar.gz');
  });

  it('reports a missing release and a tarball without the needed binaries', async () => {
    files = {};
    await expect(
      fetchFlowBinaries({
        dest: freshDest(),
        url: `${base}/nope.tar.gz`,
        platform: 'linux-x64',
        log: () => undefined,
      }),
    ).rejects.toThrow(`downloading ${base}/nope.tar.gz failed: HTTP 404`);
    const partial = path.join(dir, 'partial');
    mkdirSync(partial);
    writeFileSync(path.join(partial, 'sops'), '#!/bin/sh\n');
    execFileSync('tar', ['-czf', path.join(dir, 'partial.tar.gz'), '-C', partial, '.']);
    files = { '/partial.tar.gz': readFileSync(path.join(dir, 'partial.tar.gz')) };
    await expect(
      fetchFlowBinaries({
        dest: freshDest(),
        url: `${base}/partial.tar.gz`,
        platform: 'linux-x64',
        log: () => undefined,
      }),
    ).rejects.toThrow('the tarball has no flowctl-go (it has: sops)');
  });

  it('runs as a command: `npx tsx scripts/fetch-flow-binaries.ts`', async () => {
    files = { '/flow.tar.gz': fakeTarball(dir) };
    const dest = freshDest();
    const script = path.join(PROJECT_ROOT, 'scripts', 'fetch-flow-binaries.ts');
    const run = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', script, ...args],
          { cwd: PROJECT_ROOT },
          (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const ok = await run(['--dest', dest, '--url', `${base}/flow.tar.gz`, '--platform', 'linux-x64']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/✓ installed 4 binaries into/);
    expect(existsSync(path.join(dest, 'gazette'))).toBe(true);
    const mac = await run(['--dest', dest, '--platform', 'darwin-x64']);
    expect(mac.code).toBe(1);
    expect(mac.stderr).toMatch(/^fetch-flow-binaries: Flow publishes no data-plane binaries for macOS/);
  });
});
