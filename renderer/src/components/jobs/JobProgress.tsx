import { useEffect, useRef } from 'react';

import { formatDuration } from '../../lib/format.js';
import { useNow } from '../../lib/use-now.js';
import { jobKey, type JobTable, useJobsStore } from '../../stores/jobs-store.js';

/**
 * A job's phase with its elapsed time, its outcome, and its log lines as they arrive. `title` names the job
 * ("Publishing", "Discovering").
 */
export function JobProgress(props: {
  readonly table: JobTable;
  readonly id: string;
  readonly title: string;
}): React.JSX.Element | null {
  const job = useJobsStore((s) => s.jobs[jobKey(props.table, props.id)]);
  const now = useNow(250);
  const logRef = useRef<HTMLPreElement>(null);
  const lineCount = job?.logs.length ?? 0;
  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lineCount]);
  if (!job) return null;
  const elapsed = formatDuration((job.endedAt ?? now) - job.startedAt);
  const { status } = job;
  const phase = job.error
    ? 'Could not follow the job'
    : status.type === 'queued'
      ? job.logs.length > 0
        ? `${props.title}: running`
        : `${props.title}: waiting for an agent`
      : status.type === 'success'
        ? `${props.title}: done`
        : `${props.title}: failed (${status.type})`;
  const tone = job.error || (status.type !== 'queued' && status.type !== 'success') ? 'bad' : 'good';
  return (
    <section className={`job-progress tone-${tone}`} data-testid="job-progress" data-status={status.type}>
      <header>
        {job.endedAt === null && <span className="spinner" aria-hidden="true" />}
        <strong data-testid="job-phase">{phase}</strong> <span className="muted">{elapsed}</span>
      </header>
      {job.error && <p role="alert">{job.error}</p>}
      {'error' in status && (
        <p role="alert" data-testid="job-error">
          {status.error}
        </p>
      )}
      <pre ref={logRef} className="job-logs" data-testid="job-logs" aria-label="Job logs">
        {job.logs.length === 0
          ? 'No log lines yet.'
          : job.logs.map((l) => `${l.stream.padEnd(12)} ${l.log_line}`).join('\n')}
      </pre>
    </section>
  );
}
