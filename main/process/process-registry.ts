import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { type ProcessIdentity, isSameProcess, readProcessIdentity } from './process-identity.js';
import { terminateGroup } from './process-group.js';

interface TrackedProcess {
  readonly service: string;
  readonly identity: ProcessIdentity;
}

/** An orphan found and stopped at start-up. */
export interface OrphanCleanup {
  readonly service: string;
  readonly pid: number;
  readonly stopped: boolean;
}

/**
 * Persists the exact child processes a supervisor runs (pid plus start time), so that after the supervisor
 * itself is killed the next run can find and stop what it left behind, without ever touching a process
 * that merely reused a pid.
 */
export class ProcessRegistry {
  private readonly tracked = new Map<string, TrackedProcess>();

  constructor(private readonly filePath: string) {}

  /** Records (pid) or forgets (null) the process of a service. */
  track(service: string, pid: number | null): void {
    if (pid === null) this.tracked.delete(service);
    else {
      const identity = readProcessIdentity(pid);
      if (identity) this.tracked.set(service, { service, identity });
    }
    this.save();
  }

  /** Stops every process recorded by an earlier run that is still alive, and clears the record. */
  async cleanupOrphans(): Promise<OrphanCleanup[]> {
    const previous = readRecord(this.filePath);
    const results: OrphanCleanup[] = [];
    for (const entry of previous) {
      if (!isSameProcess(entry.identity)) continue;
      const stopped = await terminateGroup(entry.identity.pid, 'SIGTERM', 5000);
      results.push({ service: entry.service, pid: entry.identity.pid, stopped });
    }
    this.save();
    return results;
  }

  private save(): void {
    mkdirSync(path.dirname(this.filePath), { recursive: true });
    const tmp = `${this.filePath}.tmp`;
    writeFileSync(tmp, JSON.stringify([...this.tracked.values()], null, 2));
    renameSync(tmp, this.filePath);
  }
}

function readRecord(filePath: string): TrackedProcess[] {
  if (!existsSync(filePath)) return [];
  try {
    const parsed: unknown = JSON.parse(readFileSync(filePath, 'utf8'));
    return Array.isArray(parsed) ? (parsed as TrackedProcess[]) : [];
  } catch {
    return [];
  }
}
