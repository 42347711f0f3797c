import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/** The longest unix socket path every platform accepts (macOS: 104 bytes with the terminator). */
const MAX_SOCKET_PATH = 100;

/**
 * Where the Edge Functions runtime listens: a unix socket in the data directory's run/ folder (a named pipe on
 * Windows), so it takes no TCP port and only this user can reach it; the API proxies /functions/v1 to it. A
 * data directory too deep for a socket path gets one in the temp folder, named after the directory.
 */
export function functionsSocketPath(dataDir: string): string {
  const id = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\?\\pipe\\flow-desktop-${id}-functions`;
  const inRun = path.join(path.resolve(dataDir), 'run', 'functions.sock');
  if (Buffer.byteLength(inRun) <= MAX_SOCKET_PATH) return inRun;
  return path.join(os.tmpdir(), `flow-desktop-${id}-functions.sock`);
}
