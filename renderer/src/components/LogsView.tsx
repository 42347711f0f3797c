import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';

import { filterLines, type LogLevel, useLogsStore } from '../stores/logs-store.js';
import { useShallow } from 'zustand/react/shallow';

import { useStackStore } from '../stores/stack-store.js';

/** Per-service and combined logs, filtered by a regular expression, following new lines; virtualised. */
export function LogsView(): React.JSX.Element {
  const { lines, service, pattern, level, follow, setService, setPattern, setLevel, setFollow } =
    useLogsStore();
  const services = useStackStore(useShallow((s) => s.status?.services.map((x) => x.name) ?? []));
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
  }, [follow, shown.length, virtualizer]);
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
            <option value="supervisor">supervisor notes</option>
          </select>
        </label>
        <label>
          Filter{' '}
          <input
            value={pattern}
            placeholder="regular expression, e.g. error|fatal"
            onChange={(e) => setPattern(e.target.value)}
            data-testid="log-filter"
          />
        </label>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <span className="muted" data-testid="log-count">
          {shown.length} of {lines.length} lines
        </span>
      </div>
      <div className="log-scroll" ref={parent} data-testid="log-lines">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const line = shown[item.index]!;
            return (
              <div
                key={line.seq}
                className={`log-line stream-${line.stream}`}
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
