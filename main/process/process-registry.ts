import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { type ProcessIdentity, isSameProcess, readProcessIdentity } from './process-identity.js';
import { terminateGroup } from './process-group.js';

/** How a recorded child is stopped when it is found orphaned, and when (higher `order` first). */
export interface OrphanStop {
  readonly signal: NodeJS.Signals;
  readonly timeoutMs: number;
  /** Position in the start order: dependents have higher numbers and are stopped before what they need. */
  readonly order: number;
}

/** One recorded child process. */
export interface TrackedProcess {
  readonly service: string;
  readonly identity: ProcessIdentity;
  readonly stop?: OrphanStop;
}

/** What run/processes.json holds: the supervisor that owns the children, and the children. */
interface RegistryRecord {
  readonly owner: ProcessIdentity | null;
  readonly processes: readonly TrackedProcess[];
}

/** An orphan found and stopped at start-up. */
export interface OrphanCleanup {
  readonly service: string;
  readonly pid: number;
  readonly stopped: boolean;
}

/** The recorded children belong to a supervisor that is still alive: they are not orphans. */
export class LiveOwnerError extends Error {
  constructor(readonly owner: ProcessIdentity) {
    super(`the processes recorded in this data directory belong to a running supervisor (pid ${owner.pid})`);
  }
}

const DEFAULT_STOP: OrphanStop = { signal: 'SIGTERM', timeoutMs: 5000, order: 0 };

/**
 * Persists the exact child processes a supervisor runs (pid plus start time) together with the supervisor's
 * own identity, so that after the supervisor itself is killed the next run can find and stop what it left
 * behind — in reverse dependency order, each with its own stop signal — without ever touching a process that
 * merely reused a pid, nor the children of a supervisor that is still alive.
 */
export class ProcessRegistry {
  private readonly tracked = new Map<string, TrackedProcess>();
  private saveFailed = false;
  private onTrouble: (error: Error | null) => void = () => undefined;

  constructor(
    private readonly filePath: string,
    private readonly owner: ProcessIdentity | null = null,
  ) {}

  /** Where the record is kept. */
  get file(): string {
    return this.filePath;
  }

  /** Called with the error when the record cannot be written (full disk...), and with null once it can. */
  onSaveTrouble(listener: (error: Error | null) => void): void {
    this.onTrouble = listener;
  }

  /** Records (pid) or forgets (null) the process of a service. */
  track(service: string, pid: number | null, stop?: OrphanStop): void {
    if (pid === null) this.tracked.delete(service);
    else {
      const identity = readProcessIdentity(pid);
      if (identity) this.tracked.set(service, { service, identity, ...(stop ? { stop } : {}) });
    }
    this.save();
  }

  /**
   * What the record on disk says runs now: the recorded children that are still the very same processes, and
   * whether the supervisor that recorded them is alive (false: they are orphans).
   */
  recorded(): { readonly ownerAlive: boolean; readonly alive: TrackedProcess[] } {
    const record = readRecord(this.filePath);
    return {
      ownerAlive: record.owner !== null && isSameProcess(record.owner),
      alive: record.processes.filter((p) => isSameProcess(p.identity)),
    };
  }

  /**
   * Stops every process recorded by an earlier run that is still alive — dependents first, Postgres last with
   * its fast shutdown — and clears the record. Throws LiveOwnerError when their supervisor still runs.
   */
  async cleanupOrphans(): Promise<OrphanCleanup[]> {
    const record = readRecord(this.filePath);
    if (record.owner && record.owner.pid !== process.pid && isSameProcess(record.owner)) {
      throw new LiveOwnerError(record.owner);
    }
    const alive = record.processes.filter((p) => isSameProcess(p.identity));
    const byOrder = new Map<number, TrackedProcess[]>();
    for (const entry of alive) {
      const order = (entry.stop ?? DEFAULT_STOP).order;
      byOrder.set(order, [...(byOrder.get(order) ?? []), entry]);
    }
    const results: OrphanCleanup[] = [];
    for (const order of [...byOrder.keys()].sort((a, b) => b - a)) {
      const stops = (byOrder.get(order) ?? []).map(async (entry) => {
        const how = entry.stop ?? DEFAULT_STOP;
        const stopped = await terminateGroup(entry.identity.pid, how.signal, how.timeoutMs);
        return { service: entry.service, pid: entry.identity.pid, stopped };
      });
      results.push(...(await Promise.all(stops)));
    }
    this.save();
    return results;
  }

  /**
   * Writes the record (whole, then renamed into place). A failure never reaches the caller — a service start
   * must not fail because the disk is full — it is reported, and the record is written again shortly.
   */
  private save(): void {
    const tmp = `${this.filePath}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.filePath), { recursive: true });
      const record: RegistryRecord = { owner: this.owner, processes: [...this.tracked.values()] };
      writeFileSync(tmp, JSON.stringify(record, null, 2));
      renameSync(tmp, this.filePath);
    } catch (error: unknown) {
      rmSync(tmp, { force: true });
      if (!this.saveFailed) this.onTrouble(error instanceof Error ? error : new Error(String(error)));
      this.saveFailed = true;
      // Try again by itself too, so the problem clears once space is back even when nothing changes.
      setTimeout(() => this.saveFailed && this.save(), 2000).unref();
      return;
    }
    if (this.saveFailed) {
      this.saveFailed = false;
      this.onTrouble(null);
    }
  }
}

function readRecord(filePath: string): RegistryRecord {
  if (!existsSync(filePath)) return { owner: null, processes: [] };
  try {
    const parsed: unknown = JSON.parse(readFileSync(filePath, 'utf8'));
    // Before the owner was recorded, the file was a bare list of children.
    if (Array.isArray(parsed)) return { owner: null, processes: parsed as TrackedProcess[] };
    const record = parsed as Partial<RegistryRecord>;
    return {
      owner: record.owner ?? null,
      processes: Array.isArray(record.processes) ? record.processes : [],
    };
  } catch {
    return { owner: null, processes: [] };
  }
}
