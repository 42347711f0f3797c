import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The process listening on a port, where the OS tells us. */
export interface PortHolder {
  readonly pid: number;
  readonly name: string;
}

/** Finds who listens on a TCP port: /proc on Linux, lsof on macOS, netstat on Windows. Null if unknown. */
export function findPortHolder(port: number): PortHolder | null {
  try {
    if (process.platform === 'linux') return linuxHolder(port);
    if (process.platform === 'win32') return windowsHolder(port);
    return lsofHolder(port);
  } catch {
    return null;
  }
}

function linuxHolder(port: number): PortHolder | null {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const local = cols[1];
      const state = cols[3];
      const inode = cols[9];
      // State 0A is LISTEN; the local address ends in the port in hex.
      if (!local || state !== '0A' || !inode) continue;
      if (parseInt(local.split(':')[1] ?? '', 16) === port) inodes.add(inode);
    }
  }
  if (inodes.size === 0) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      if (match?.[1] && inodes.has(match[1])) {
        const name = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
        return { pid: Number(entry), name };
      }
    }
  }
  return null;
}

function lsofHolder(port: number): PortHolder | null {
  const out = execFileSync('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc'], { encoding: 'utf8' });
  const pid = /^p(\d+)$/m.exec(out)?.[1];
  const name = /^c(.+)$/m.exec(out)?.[1];
  return pid ? { pid: Number(pid), name: name ?? 'unknown' } : null;
}

function windowsHolder(port: number): PortHolder | null {
  const out = execFileSync('netstat', ['-ano', '-p', 'TCP'], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols[3] === 'LISTENING' && cols[1]?.endsWith(`:${port}`) && cols[4]) {
      return { pid: Number(cols[4]), name: 'unknown' };
    }
  }
  return null;
}
