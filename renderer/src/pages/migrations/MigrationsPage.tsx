import { useEffect } from 'react';

import type {
  DatabaseTestReport,
  DiffSummary,
  LintReport,
  LocalMigration,
  PendingFileContent,
  PendingFileInfo,
} from '../../../../shared/control-api.js';
import { formatDuration } from '../../lib/format.js';
import { useNow } from '../../lib/use-now.js';
import { useMigrationsStore } from '../../stores/migrations-store.js';
import { useStackStore } from '../../stores/stack-store.js';
import { QueryStates } from '../../components/feedback/QueryStates.js';

/**
 * Production migrations: the local migrations and whether the stack applied them, the last `db diff`, the
 * pending files (with privilege-reordering noise flagged), the lint findings and the database tests.
 */
export function MigrationsPage(): React.JSX.Element {
  const api = useStackStore((s) => s.api);
  const { info, loading, error, open, load } = useMigrationsStore();
  useEffect(() => {
    if (api) void load();
  }, [api, load]);
  if (!info) {
    return (
      <section className="panel" data-testid="migrations-page">
        <QueryStates
          state={{ error, hasData: false }}
          what="the migrations"
          name="migrations"
          onRetry={() => void load()}
        />
      </section>
    );
  }
  return (
    <section className="migrations" data-testid="migrations-page">
      <div className="toolbar">
        <button onClick={() => void load()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
        {error && (
          <span role="alert" className="migrations-error">
            {error}
          </span>
        )}
      </div>
      <LocalMigrations migrations={info.local} note={info.localNote} dir={info.migrationsDir} />
      <LastDiff diff={info.lastDiff} />
      <PendingFiles files={info.pending} dir={info.pendingDir} open={open} />
      <Lint report={info.lint} />
      <DatabaseTests report={info.databaseTests} />
    </section>
  );
}

/** "1 statement", "3 statements". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function LocalMigrations(props: {
  migrations: readonly LocalMigration[];
  note: string | null;
  dir: string;
}): React.JSX.Element {
  return (
    <div className="panel" data-testid="local-migrations">
      <h3>Local migrations</h3>
      <p className="muted">{props.dir}</p>
      {props.note && <p className="muted">{props.note}</p>}
      <table className="connection">
        <thead>
          <tr>
            <th>File</th>
            <th>Checksum</th>
            <th>Stack database</th>
          </tr>
        </thead>
        <tbody>
          {props.migrations.map((m) => (
            <tr key={m.file} data-testid="local-migration" data-applied={String(m.applied)}>
              <td>{m.file}</td>
              <td className="value" title={m.checksum}>
                {m.checksum.slice(0, 12)}
              </td>
              <td className={m.changed ? 'migration-bad' : m.applied ? 'migration-good' : 'muted'}>
                {m.changed
                  ? 'changed after it was applied (reset rebuilds)'
                  : m.applied === null
                    ? 'unknown'
                    : m.applied
                      ? 'applied'
                      : 'not applied'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function LastDiff({ diff }: { diff: DiffSummary | null }): React.JSX.Element {
  return (
    <div className="panel" data-testid="last-diff">
      <h3>Last diff</h3>
      {!diff ? (
        <p className="muted">
          None yet. Run <code>flow-desktop db diff --target &lt;postgres-url&gt;</code> to compare a database
          (production) with the migrations.
        </p>
      ) : (
        <>
          <dl className="facts">
            <dt>Target</dt>
            <dd>
              {diff.target} ({diff.targetServer})
            </dd>
            <dt>When</dt>
            <dd>{new Date(diff.at).toLocaleString()}</dd>
            <dt>Migrations head</dt>
            <dd>{diff.migrationsHead}</dd>
            <dt>Took</dt>
            <dd>
              {(diff.elapsedMs / 1000).toFixed(1)}s (
              {diff.scratch === 'stack' ? "stack's cluster" : 'temporary cluster'})
            </dd>
          </dl>
          <p data-testid="diff-result">
            {diff.file
              ? `${count(diff.statements, 'statement')} to apply, written to ${diff.file}` +
                (diff.destructive.length ? ` (${diff.destructive.length} destructive).` : '.')
              : 'No changes: the target matches the migrations.'}
            {diff.noise.length > 0 &&
              ` ${count(diff.noise.length, 'statement')} flagged as privilege-reordering noise (not applied).`}
          </p>
          {diff.warnings.map((w) => (
            <p key={w} className="migration-warn">
              ⚠ {w}
            </p>
          ))}
        </>
      )}
    </div>
  );
}

function PendingFiles(props: {
  files: readonly PendingFileInfo[];
  dir: string;
  open: PendingFileContent | null;
}): React.JSX.Element {
  const { openPending, closePending } = useMigrationsStore();
  return (
    <div className="panel" data-testid="pending-files">
      <h3>Pending files</h3>
      <p className="muted">
        {props.dir}: reviewed statements for production, committed with the change that needed them and
        applied with <code>flow-desktop db apply --target &lt;url&gt; &lt;file&gt;</code>.
      </p>
      {props.files.length === 0 ? (
        <p className="muted">No pending files.</p>
      ) : (
        <table className="connection">
          <thead>
            <tr>
              <th>File</th>
              <th>Diffed against</th>
              <th>Statements</th>
              <th>Noise</th>
              <th>Applied from here</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {props.files.map((f) => (
              <tr key={f.file} data-testid="pending-file">
                <td>{f.file}</td>
                <td className="value">
                  {f.header ? f.header.target : <span className="muted">hand-written</span>}
                </td>
                <td>
                  {f.statements}
                  {f.destructive > 0 && <span className="migration-bad"> ({f.destructive} destructive)</span>}
                </td>
                <td>{f.noise > 0 ? <span className="noise-badge">{f.noise} noise</span> : '—'}</td>
                <td>
                  {f.applied.length === 0
                    ? '—'
                    : f.applied.map((a) => `${a.target} (${new Date(a.at).toLocaleString()})`).join(', ')}
                </td>
                <td className="row-actions">
                  <button onClick={() => void openPending(f.file)}>View</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.open && <PendingView content={props.open} onClose={closePending} />}
    </div>
  );
}

/** The file's text, line by line: the header muted, noise and destructive statements flagged. */
function PendingView({
  content,
  onClose,
}: {
  content: PendingFileContent;
  onClose: () => void;
}): React.JSX.Element {
  const destructiveStarts = new Set(content.destructive.map((d) => d.split('\n')[0] ?? d));
  const lines = content.text.split('\n');
  const headerEnd = lines.findIndex((l) => !l.startsWith('--'));
  return (
    <div className="pending-view" data-testid="pending-view">
      <div className="toolbar">
        <strong>{content.file}</strong>
        <span className="muted">
          {count(content.statements.length, 'statement')}, {content.destructive.length} destructive,{' '}
          {content.noise.length} noise
        </span>
        <button onClick={onClose}>Close</button>
      </div>
      <pre className="sql-text">
        {lines.map((line, i) => {
          const kind =
            i < headerEnd
              ? 'header'
              : line.startsWith('-- noise: ')
                ? 'noise'
                : destructiveStarts.has(line)
                  ? 'destructive'
                  : line.startsWith('--')
                    ? 'comment'
                    : 'sql';
          return (
            <div key={i} className={`sql-line sql-${kind}`} data-testid="pending-line" data-kind={kind}>
              {kind === 'noise' && <span className="noise-badge">noise · not applied</span>}
              {kind === 'destructive' && <span className="destructive-badge">destructive</span>}
              {line || ' '}
            </div>
          );
        })}
      </pre>
    </div>
  );
}

function Lint({ report }: { report: LintReport | null }): React.JSX.Element {
  const { runLint, lintSince } = useMigrationsStore();
  const now = useNow(500);
  return (
    <div className="panel" data-testid="lint">
      <h3>Lint</h3>
      <div className="toolbar">
        <button onClick={() => void runLint()} disabled={lintSince !== null}>
          {lintSince !== null ? `Linting… ${formatDuration(now - lintSince)}` : 'Run lint'}
        </button>
        {report && (
          <span className="muted">
            Last run {new Date(report.at).toLocaleString()}: {report.migrations} migrations,{' '}
            {report.rules.length} rules, {(report.elapsedMs / 1000).toFixed(1)}s
          </span>
        )}
      </div>
      {!report ? (
        <p className="muted">
          Not run yet. The lint applies the migrations to a scratch database and checks the catalog: RLS on
          every public table, comments, views under the caller&apos;s RLS, what anon may do, and more.
        </p>
      ) : report.findings.length === 0 ? (
        <p className="migration-good" data-testid="lint-result">
          No findings.
        </p>
      ) : (
        <ul className="checks" data-testid="lint-result">
          {report.findings.map((f, i) => (
            <li key={i} className="fail">
              ✕ <strong>{f.file ?? '(unknown file)'}</strong>: {f.object}: {f.message}{' '}
              <span className="muted">[{f.rule}]</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function DatabaseTests({ report }: { report: DatabaseTestReport | null }): React.JSX.Element {
  return (
    <div className="panel" data-testid="database-tests">
      <h3>Database tests</h3>
      <p className="muted">
        The tests of supabase/tests run in a development checkout with <code>flow-desktop db test</code>,
        which records their results here (a packaged app has no test runner).
      </p>
      {!report ? (
        <p className="muted">No recorded run.</p>
      ) : (
        <>
          <p
            data-testid="database-tests-summary"
            className={report.failed > 0 ? 'migration-bad' : 'migration-good'}
          >
            {report.passed} passed, {report.failed} failed, {report.skipped} skipped —{' '}
            {new Date(report.at).toLocaleString()} ({(report.durationMs / 1000).toFixed(1)}s)
          </p>
          <ul className="checks">
            {report.tests
              .filter((t) => t.status === 'failed')
              .map((t) => (
                <li key={`${t.file} ${t.name}`} className="fail">
                  ✕ {t.file}: {t.name}
                  {t.failure && <span className="muted"> — {t.failure}</span>}
                </li>
              ))}
          </ul>
        </>
      )}
    </div>
  );
}
