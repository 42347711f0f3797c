#!/usr/bin/env node
// `npm start`: the desktop app when the Electron binary is usable, else the headless mode.
//
// `require('electron')` returns the binary's path once its postinstall download has run; on machines where
// it did not (offline, scripts denied), we try the download once, and if Electron still cannot be had we
// say so in one line and run `flow-desktop serve` in this process instead (it prints the GUI's URL).
// Arguments after `npm start --` go to `flow-desktop serve` (headless) or to the app (Electron).
// FLOW_DESKTOP_HEADLESS=1 asks for the headless mode even when Electron is there.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const FETCH_TIMEOUT_MS = 60_000;

/**
 * The Electron binary, or why it is unusable. `load` is `require('electron')`, injectable for tests.
 * @param {() => unknown} load
 * @returns {{ ok: true, path: string } | { ok: false, reason: string }}
 */
export function electronBinary(load = () => require('electron')) {
  try {
    const binary = load();
    if (typeof binary !== 'string')
      return { ok: false, reason: 'the electron package did not return a path' };
    if (!existsSync(binary)) return { ok: false, reason: `no Electron binary at ${binary}` };
    return { ok: true, path: binary };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: message.split('\n')[0] ?? message };
  }
}

/** Runs the electron package's download script once (it fails fast offline). */
function fetchElectron() {
  const script = path.join(ROOT, 'node_modules', 'electron', 'install.js');
  if (!existsSync(script)) return;
  spawnSync(process.execPath, [script], { cwd: ROOT, stdio: 'ignore', timeout: FETCH_TIMEOUT_MS });
}

/** Launches Electron on the built main process (rebuilding what is stale first). */
function launchElectron(binary, args) {
  const appDir = path.join(ROOT, 'out', 'main');
  const built = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'scripts', 'build.ts'), '--if-stale'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (built.status !== 0) process.exit(built.status ?? 1);
  const child = spawn(binary, [appDir, ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    // The app runs the stack's supervisor on this Node, like the CLI (see main/electron/stack-session.ts).
    env: { ...process.env, FLOW_DESKTOP_NODE: process.execPath },
  });
  // Ctrl-C reaches Electron too (same process group); it quits through its before-quit path.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** Runs `flow-desktop serve` in this process, through bin/flow-desktop.js like the command does. */
async function serveHeadless(args) {
  const bin = path.join(ROOT, 'bin', 'flow-desktop.js');
  process.argv = [process.argv[0] ?? process.execPath, bin, 'serve', ...args];
  await import(pathToFileURL(bin).href);
}

async function main() {
  const args = process.argv.slice(2);
  let electron = electronBinary();
  // FLOW_DESKTOP_NO_ELECTRON_FETCH=1 skips the download attempt (tests, metered connections).
  if (
    !electron.ok &&
    process.env.FLOW_DESKTOP_HEADLESS !== '1' &&
    process.env.FLOW_DESKTOP_NO_ELECTRON_FETCH !== '1'
  ) {
    fetchElectron();
    electron = electronBinary();
  }
  if (electron.ok && process.env.FLOW_DESKTOP_HEADLESS !== '1') return launchElectron(electron.path, args);
  const why = electron.ok ? 'FLOW_DESKTOP_HEADLESS=1' : electron.reason;
  console.log(`Electron is not available (${why}); starting the headless mode (flow-desktop serve) instead.`);
  await serveHeadless(args);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
