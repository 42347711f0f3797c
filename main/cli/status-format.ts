import type { ServiceInfo } from '../../shared/service-info.js';
import type { StackStatus } from '../../shared/stack-status.js';

/** `supabase status -o json` keys, plus the stack state and a services list. */
export function statusJson(status: StackStatus): Record<string, unknown> {
  return {
    ...status.connection,
    state: status.state,
    running: status.running,
    pid: status.pid,
    dataDir: status.dataDir,
    services: status.services.map((s) => ({
      name: s.name,
      state: s.state,
      pid: s.pid,
      port: s.port,
      restarts: s.restarts,
      startedAt: s.startedAt,
      lastError: s.lastError,
    })),
  };
}

/** `KEY="value"` lines, for `eval` or a `.env` file. */
export function statusEnv(status: StackStatus): string {
  return Object.entries(status.connection)
    .map(([key, value]) => `${key}="${String(value).replace(/(["\\$`])/g, '\\$1')}"`)
    .join('\n');
}

/** A human-readable status: the services as a table, then the connection details. */
export function statusPretty(status: StackStatus): string {
  const lines: string[] = [];
  const head = status.running ? `${status.state} (supervisor pid ${status.pid ?? '?'})` : 'not running';
  lines.push(`Flow Desktop stack: ${head}`);
  lines.push(`Data directory: ${status.dataDir}`, '');
  const rows = [['SERVICE', 'STATE', 'PID', 'RESTARTS', 'UPTIME', 'PORT']];
  for (const s of status.services) rows.push(serviceRow(s));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows)
    lines.push(`  ${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd());
  for (const s of status.services) {
    if (s.lastError && (s.state === 'failed' || s.state === 'crashed' || s.state === 'unhealthy')) {
      lines.push('', `  ${s.name}: ${s.lastError.message}`);
      for (const tail of s.lastError.logTail.slice(-10)) lines.push(`    | ${tail}`);
    }
    if (s.state === 'not-installed' && s.notInstalledReason)
      lines.push(`  ${s.name}: ${s.notInstalledReason}`);
  }
  lines.push('');
  const c = status.connection;
  const pairs: [string, string][] = [
    ['API URL', c.API_URL],
    ['REST URL', c.REST_URL],
    ['DB URL', c.DB_URL],
    ['Studio URL', c.STUDIO_URL],
    ['Inbucket URL', c.INBUCKET_URL],
    ['JWT secret', c.JWT_SECRET],
    ['anon key', c.ANON_KEY],
    ['service_role key', c.SERVICE_ROLE_KEY],
  ];
  const keyWidth = Math.max(...pairs.map(([k]) => k.length));
  for (const [key, value] of pairs) lines.push(`  ${key.padStart(keyWidth)}: ${value}`);
  return lines.join('\n');
}

function serviceRow(s: ServiceInfo): string[] {
  const uptime =
    s.startedAt && (s.state === 'healthy' || s.state === 'unhealthy')
      ? formatDuration(Date.now() - Date.parse(s.startedAt))
      : '-';
  return [
    s.name,
    s.state,
    s.pid === null ? '-' : String(s.pid),
    String(s.restarts),
    uptime,
    s.port === null ? '-' : String(s.port),
  ];
}

function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
