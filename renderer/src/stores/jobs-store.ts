import type { SupabaseClient } from '@supabase/supabase-js';
import { create } from 'zustand';

import type { JobStatus } from '../../../shared/job-status.js';
import type { LogLineRow } from '../../../shared/control-plane-rows.js';
import { describeApiError, unwrap } from '../api/api-error.js';

/** The queue tables whose rows the agent works through. */
export type JobTable = 'publications' | 'discovers' | 'applied_directives' | 'connector_tags';

/** A job as the GUI follows it: its status, its log lines so far, and when following started. */
export interface WatchedJob {
  readonly table: JobTable;
  readonly id: string;
  readonly status: JobStatus;
  readonly logs: readonly LogLineRow[];
  readonly startedAt: number;
  /** Set when the job ended (status no longer `queued`). */
  readonly endedAt: number | null;
  /** Set when the job could not be read (gone, no permission, network). */
  readonly error: string | null;
}

interface JobsStore {
  jobs: Readonly<Record<string, WatchedJob>>;
  /** Follows a job until it ends: status and logs are polled (the embedded API serves no realtime). */
  watch: (client: SupabaseClient, table: JobTable, id: string) => Promise<WatchedJob>;
}

/** The key of a job in the store. */
export function jobKey(table: JobTable, id: string): string {
  return `${table}:${id}`;
}

const POLL_MS = 250;

/** Every job the GUI is following or has followed, so any view can show its progress and logs. */
export const useJobsStore = create<JobsStore>((set, get) => ({
  jobs: {},
  watch: async (client, table, id) => {
    const key = jobKey(table, id);
    const existing = get().jobs[key];
    if (existing && existing.endedAt === null && existing.error === null) return existing;
    const update = (patch: Partial<WatchedJob>): WatchedJob => {
      const current = get().jobs[key] ?? {
        table,
        id,
        status: { type: 'queued' },
        logs: [],
        startedAt: Date.now(),
        endedAt: null,
        error: null,
      };
      const next = { ...current, ...patch };
      set({ jobs: { ...get().jobs, [key]: next } });
      return next;
    };
    update({ startedAt: Date.now(), endedAt: null, error: null, logs: [] });
    for (;;) {
      try {
        const row = unwrap<{ job_status: JobStatus; logs_token: string }>(
          await client.from(table).select('job_status,logs_token').eq('id', id).single(),
        );
        const logs = unwrap<LogLineRow[]>(await client.rpc('view_logs', { bearer_token: row.logs_token }));
        const ended = row.job_status.type !== 'queued';
        const job = update({ status: row.job_status, logs, endedAt: ended ? Date.now() : null });
        if (ended) return job;
      } catch (e) {
        return update({ error: describeApiError(e), endedAt: Date.now() });
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  },
}));
