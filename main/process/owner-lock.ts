import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { type ProcessIdentity, isSameProcess, readProcessIdentity } from './process-identity.js';

/** Who holds a data directory: the supervisor (or a one-off command such as an offline reset). */
export interface OwnerRecord extends ProcessIdentity {
  /** What the owner is doing: `supervise` for a running stack, `reset`, `down` for short offline work. */
  readonly role: string;
  readonly since: string;
}

/** The answer to "who owns this data directory?". */
export interface OwnerState {
  /** True when a live process holds the lock. */
  readonly held: boolean;
  /** The holder, when its record names a live process with a matching start time (null if unknown). */
  readonly owner: OwnerRecord | null;
}

/** A held lock; `release()` gives it up (process death does too, whatever the cause). */
export interface OwnerLock {
  readonly record: OwnerRecord;
  release(): Promise<void>;
}

/**
 * The exclusive owner lock of a data directory. The lock itself is a listening local socket whose name is
 * derived from the directory (an abstract Unix socket on Linux, a named pipe on Windows): the kernel gives it
 * to one process only and takes it back when that process dies, even by kill -9, so there is no stale-lock
 * guesswork and no race between two takers. Like postmaster.pid, the holder's pid and start time are written
 * next to it (`run/owner.json`), so others can name it and never mistake a reused pid for it.
 */
export async function acquireOwnerLock(
  root: string,
  ownerFile: string,
  role: string,
): Promise<{ readonly lock: OwnerLock } | { readonly lock: null; readonly state: OwnerState }> {
  const address = lockAddress(root);
  const identity = readProcessIdentity(process.pid);
  if (!identity) throw new Error('cannot read this process’s own identity');
  const record: OwnerRecord = { ...identity, role, since: new Date().toISOString() };
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.end(`${JSON.stringify(record)}\n`);
  });
  server.on('error', () => undefined);
  for (let attempt = 0; ; attempt++) {
    if (await listen(server, address)) break;
    const state = await readOwner(root, ownerFile);
    // Held a moment ago by a process that has died since: take it now.
    if (state.held || attempt >= 3) return { lock: null, state };
  }
  // The lock must never keep a process alive, nor be inherited (Node opens it close-on-exec).
  server.unref();
  writeOwnerFile(ownerFile, record);
  let released = false;
  return {
    lock: {
      record,
      release: async () => {
        if (released) return;
        released = true;
        const current = readOwnerFile(ownerFile);
        if (current?.pid === record.pid && current.startTime === record.startTime) {
          rmSync(ownerFile, { force: true });
        }
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    },
  };
}

/**
 * Whether a live process owns the data directory, and which. The lock answers the first question (a
 * connection succeeds only while its holder lives, even a stopped or busy one); owner.json the second.
 */
export async function readOwner(root: string, ownerFile: string): Promise<OwnerState> {
  const address = lockAddress(root);
  // A fresh holder writes its record right after taking the lock, and a holder killed a moment ago may still
  // hold it while its last threads exit: look again for a short while before calling the holder unknown.
  for (let i = 0; i < 20; i++) {
    if (!(await lockIsHeld(address))) return { held: false, owner: null };
    const record = readOwnerFile(ownerFile);
    if (record && isSameProcess(record)) return { held: true, owner: record };
    await new Promise((r) => setTimeout(r, 50));
  }
  return { held: true, owner: null };
}

/** Reads owner.json (null when missing or unreadable; its liveness is not checked). */
export function readOwnerFile(file: string): OwnerRecord | null {
  if (!existsSync(file)) return null;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<OwnerRecord>;
    if (typeof parsed.pid !== 'number' || typeof parsed.startTime !== 'string') return null;
    return parsed as OwnerRecord;
  } catch {
    return null;
  }
}

/** The lock's socket name: one per data directory (its real path), the same for every process. */
export function lockAddress(root: string): string {
  let resolved = path.resolve(root);
  try {
    resolved = realpathSync(resolved);
  } catch {
    // Not created yet: the resolved path names it.
  }
  const hash = createHash('sha256').update(resolved).digest('hex').slice(0, 32);
  if (process.platform === 'win32') return `\\\\?\\pipe\\flow-desktop-${hash}`;
  if (process.platform === 'linux') return `\0flow-desktop/${hash}`;
  // Elsewhere a socket file; a dead holder's file is removed before listening (see listen()).
  return path.join(os.tmpdir(), `flow-desktop-${hash.slice(0, 16)}.lock`);
}

function writeOwnerFile(file: string, record: OwnerRecord): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(record, null, 2));
  renameSync(tmp, file);
}

function isFileSocket(address: string): boolean {
  return !address.startsWith('\0') && !address.startsWith('\\\\');
}

async function listen(server: net.Server, address: string): Promise<boolean> {
  const attempt = (): Promise<string | null> =>
    new Promise((resolve) => {
      const onError = (error: NodeJS.ErrnoException): void => resolve(error.code ?? 'error');
      server.once('error', onError);
      server.listen(address, () => {
        server.off('error', onError);
        resolve(null);
      });
    });
  const first = await attempt();
  if (first === null) return true;
  if (first !== 'EADDRINUSE') throw new Error(`cannot take the data directory's lock (${first})`);
  if (isFileSocket(address) && !(await lockIsHeld(address))) {
    // A socket file left by a holder that died: nobody listens on it any more.
    rmSync(address, { force: true });
    return (await attempt()) === null;
  }
  return false;
}

function lockIsHeld(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    const done = (held: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(held);
    };
    // A connection to a live listener completes in the kernel even when the holder is stopped or busy.
    const timer = setTimeout(() => done(true), 2000);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
