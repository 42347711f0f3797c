import { useState } from 'react';

import type { ServiceInfo, ServiceState } from '../../../shared/service-info.js';
import { routePath } from '../app/router.js';
import { formatDuration } from '../lib/format.js';
import { useStackStore } from '../stores/stack-store.js';

/** The running services that stop with `name`: those depending on it, directly or through another. */
export function runningDependents(name: string, services: readonly ServiceInfo[]): string[] {
  const found = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of services) {
      if (found.has(s.name) || s.name === name) continue;
      if (s.dependsOn.some((d) => d === name || found.has(d))) {
        found.add(s.name);
        grew = true;
      }
    }
  }
  const idle = new Set<ServiceState>(['stopped', 'not-installed']);
  return services.filter((s) => found.has(s.name) && !idle.has(s.state)).map((s) => s.name);
}

const LOOK: Readonly<Record<ServiceState, { icon: string; tone: string; label: string }>> = {
  healthy: { icon: '●', tone: 'good', label: 'healthy' },
  completed: { icon: '✓', tone: 'good', label: 'completed' },
  starting: { icon: '◌', tone: 'busy', label: 'starting' },
  waiting: { icon: '◌', tone: 'busy', label: 'waiting' },
  stopping: { icon: '◌', tone: 'busy', label: 'stopping' },
  unhealthy: { icon: '▲', tone: 'warn', label: 'unhealthy' },
  crashed: { icon: '↻', tone: 'warn', label: 'crashed, restarting' },
  failed: { icon: '✕', tone: 'bad', label: 'failed' },
  stopped: { icon: '○', tone: 'idle', label: 'stopped' },
  'not-installed': { icon: '–', tone: 'idle', label: 'not installed' },
};

/** One service: state, uptime, restarts, address, last error with its log lines, and its actions. */
export function ServiceCard({
  service,
  now,
  stale = false,
}: {
  readonly service: ServiceInfo;
  readonly now: number;
  /** The supervisor no longer answers: the state is only the last one it reported, and nothing can be done. */
  readonly stale?: boolean;
}): React.JSX.Element {
  const act = useStackStore((s) => s.act);
  const busy = useStackStore((s) => s.busy);
  const all = useStackStore((s) => s.status?.services);
  const [confirmStop, setConfirmStop] = useState<readonly string[] | null>(null);
  const look = LOOK[service.state];
  const stop = (): Promise<void> =>
    act(`Stop ${service.name}`, (api) =>
      api.call('POST /v1/services/stop', { service: service.name, requestedBy: 'gui' }),
    );
  const running =
    service.state === 'healthy' || service.state === 'unhealthy' || service.state === 'starting';
  const uptime =
    running && !stale && service.startedAt ? formatDuration(now - Date.parse(service.startedAt)) : '–';
  // Nothing can be asked of a supervisor that does not answer.
  const off = busy !== null || stale;
  const showError = service.lastError && ['failed', 'crashed', 'unhealthy'].includes(service.state);
  return (
    <article
      className={`card tone-${stale ? 'idle' : look.tone}${stale ? ' stale' : ''}`}
      data-testid={`service-${service.name}`}
      data-state={service.state}
      data-stale={stale ? 'true' : undefined}
    >
      <header className="card-head">
        <span className="state-icon" aria-hidden="true">
          {look.icon}
        </span>
        <h3>{service.name}</h3>
        <span className="state-label" data-testid="state">
          {stale ? `last reported ${look.label}` : look.label}
        </span>
      </header>
      <p className="muted">{service.description}</p>
      <dl className="facts">
        <dt>Uptime</dt>
        <dd>{uptime}</dd>
        <dt>Restarts</dt>
        <dd data-testid="restarts">{service.restarts}</dd>
        <dt>PID</dt>
        <dd>{service.pid ?? '–'}</dd>
        <dt>Port</dt>
        <dd>{service.port ?? '–'}</dd>
      </dl>
      {service.state === 'not-installed' && service.notInstalledReason && (
        <p className="muted">{service.notInstalledReason}</p>
      )}
      {showError && service.lastError && (
        <details className="error" open={service.state === 'failed'}>
          <summary>{service.lastError.message}</summary>
          {service.lastError.logTail.length > 0 && (
            <pre>{service.lastError.logTail.slice(-10).join('\n')}</pre>
          )}
        </details>
      )}
      <div className="actions">
        <button
          disabled={off || running}
          onClick={() =>
            void act(`Start ${service.name}`, (api) =>
              api.call('POST /v1/services/start', { service: service.name, requestedBy: 'gui' }),
            )
          }
        >
          Start
        </button>
        <button
          disabled={off || !running}
          onClick={() => {
            const dependents = runningDependents(service.name, all ?? []);
            if (dependents.length > 0) setConfirmStop(dependents);
            else void stop();
          }}
        >
          Stop
        </button>
        <button
          disabled={off}
          onClick={() =>
            void act(`Restart ${service.name}`, (api) =>
              api.call('POST /v1/services/restart', { service: service.name, requestedBy: 'gui' }),
            )
          }
        >
          Restart
        </button>
        <a
          className="card-link"
          href={`#${routePath('logs')}?service=${encodeURIComponent(service.name)}`}
          data-testid="service-logs"
        >
          Logs
        </a>
      </div>
      {confirmStop && (
        <div
          className="confirm"
          role="alertdialog"
          aria-label={`Stop ${service.name}?`}
          data-testid="confirm-stop"
        >
          <p>
            Stopping {service.name} also stops {confirmStop.join(', ')}, which depend on it.
          </p>
          <div className="actions">
            <button
              className="danger"
              autoFocus
              disabled={busy !== null}
              onClick={() => {
                setConfirmStop(null);
                void stop();
              }}
            >
              Stop {service.name} and {confirmStop.length} more
            </button>
            <button onClick={() => setConfirmStop(null)}>Cancel</button>
          </div>
        </div>
      )}
    </article>
  );
}
