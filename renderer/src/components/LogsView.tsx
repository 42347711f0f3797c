import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';

import { useRouter } from '../app/router.js';
import { download } from '../lib/format.js';
import { lineLevel } from '../lib/log-level.js';
import { compilePattern, filterLines, type LogLevel, useLogsStore } from '../stores/logs-store.js';
import { useStackStore } from '../stores/stack-store.js';

/**
 * Per-service and combined logs, filtered by level (read from each line's content) and a regular expression,
 * following new lines; virtualised. `#/logs?service=<name>` opens one service's logs (the service cards link here).
 */
export function LogsView(): React.JSX.Element {
  const { lines, historyError, service, pattern, level, follow, wrap } = useLogsStore();
  const { setService, setPattern, setLevel, setFollow, setWrap } = useLogsStore();
  const asked = useRouter((s) => s.route.query.get('service'));
  const services = useStackStore(useShallow((s) => s.status?.services.map((x) => x.name) ?? []));
  useEffect(() => {
    if (asked !== null) setService(asked || null);
  }, [asked, setService]);
  const { problem } = compilePattern(pattern);
  const shown = useMemo(() => filterLines(lines, service, pattern, level), [lines, service, pattern, level]);
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: shown.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 20,
    overscan: 20,
  });
  useEffect(() => {
    if (follow && shown.length > 0) virtualizer.scrollToIndex(shown.length - 1, { align: 'end' });
  }, [follow, shown.length, virtualizer, wrap]);
  const filtered = service !== null || pattern !== '' || level !== 'all';
  const save = (): void => {
    const text = shown.map(
      (l) => `${l.at} ${l.service} ${l.stream === 'supervisor' ? '[supervisor] ' : ''}${l.text}`,
    );
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    download(`flow-desktop-${service ?? 'all'}-logs-${stamp}.log`, `${text.join('\n')}\n`, 'text/plain');
  };
  return (
    <section className="panel logs">
      <div className="toolbar">
        <label>
          Service{' '}
          <select
            value={service ?? ''}
            onChange={(e) => setService(e.target.value || null)}
            data-testid="log-service"
          >
            <option value="">all</option>
            {services.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Level{' '}
          <select
            value={level}
            onChange={(e) => setLevel(e.target.value as LogLevel)}
            data-testid="log-level"
          >
            <option value="all">all</option>
            <option value="problems">warnings and errors</option>
            <option value="errors">errors</option>
            <option value="supervisor">supervisor notes</option>
          </select>
        </label>
        <label className="grow">
          Filter{' '}
          <input
            value={pattern}
            placeholder="regular expression, e.g. error|fatal"
            onChange={(e) => setPattern(e.target.value)}
            aria-invalid={problem !== null}
            data-testid="log-filter"
          />
        </label>
        <label className="inline">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={wrap}
            onChange={(e) => setWrap(e.target.checked)}
            data-testid="log-wrap"
          />{' '}
          Wrap
        </label>
        <button onClick={save} disabled={shown.length === 0} data-testid="log-download">
          Download
        </button>
        <span className="muted" data-testid="log-count">
          {shown.length} of {lines.length} lines
        </span>
      </div>
      {problem && (
        <p className="field-problem" role="alert" data-testid="log-filter-problem">
          {problem}. The filter is off until it is fixed.
        </p>
      )}
      {historyError && (
        <p className="field-problem" role="alert" data-testid="log-history-error">
          {historyError}
        </p>
      )}
      {shown.length === 0 && (
        <p className="logs-empty muted" data-testid="log-empty">
          {lines.length === 0
            ? 'No log lines yet.'
            : filtered
              ? `No lines match${service ? ` in ${service}` : ''}${pattern && !problem ? ` /${pattern}/` : ''}${level !== 'all' ? ` at level “${level}”` : ''}.`
              : 'No lines.'}
        </p>
      )}
      <div className={`log-scroll${wrap ? ' wrap' : ''}`} ref={parent} data-testid="log-lines">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const line = shown[item.index]!;
            return (
              <div
                key={line.seq}
                data-index={item.index}
                ref={virtualizer.measureElement}
                className={`log-line stream-${line.stream} level-${lineLevel(line)}`}
                data-level={lineLevel(line)}
                style={{
                  position: 'absolute',
                  top: 0,
                  transform: `translateY(${item.start}px)`,
                  width: '100%',
                }}
              >
                <span className="muted">{line.at.slice(11, 23)}</span>{' '}
                <span className="log-service">{line.service}</span>{' '}
                {line.stream === 'supervisor' ? '[supervisor] ' : ''}
                {line.text}
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
