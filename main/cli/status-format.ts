import type { ServiceInfo } from '../../shared/service-info.js';
import type { DataPlaneStatus, FlowBinarySource, StackStatus } from '../../shared/stack-status.js';

/**
 * `supabase status -o json` keys, plus the stack state, a services list and the Flow data plane (which binaries
 * were found where, and the data plane's addresses).
 */
export function statusJson(status: StackStatus): Record<string, unknown> {
  return {
    ...status.connection,
    ...dataPlaneEnv(status.dataPlane),
    state: status.state,
    running: status.running,
    pid: status.pid,
    dataDir: status.dataDir,
    problems: status.problems ?? [],
    services: status.services.map((s) => ({
      name: s.name,
      state: s.state,
      pid: s.pid,
      port: s.port,
      restarts: s.restarts,
      startedAt: s.startedAt,
      lastError: s.lastError,
    })),
    ...(status.dataPlane ? { dataPlane: status.dataPlane } : {}),
  };
}

/**
 * `KEY="value"` lines, for `eval` or a `.env` file; with a data plane also BROKER_ADDRESS and CONSUMER_ADDRESS
 * (the variables flowctl-go reads, as temp-data-plane prints them) and GATEWAY_URL.
 */
export function statusEnv(status: StackStatus): string {
  return Object.entries({ ...status.connection, ...dataPlaneEnv(status.dataPlane) })
    .map(([key, value]) => `${key}="${String(value).replace(/(["\\$`])/g, '\\$1')}"`)
    .join('\n');
}

function dataPlaneEnv(dp: DataPlaneStatus | undefined): Record<string, string> {
  if (!dp?.brokerAddress || !dp.consumerAddress) return {};
  return {
    BROKER_ADDRESS: dp.brokerAddress,
    CONSUMER_ADDRESS: dp.consumerAddress,
    ...(dp.gatewayUrl ? { GATEWAY_URL: dp.gatewayUrl } : {}),
  };
}

const SOURCE_LABEL: Readonly<Record<FlowBinarySource, string>> = {
  'bin-dir': 'bin dir',
  resources: 'resources/bin',
  path: 'PATH',
};

/** The Flow binaries section of the pretty status: found (with path and where) and missing (with what needs them). */
export function dataPlanePretty(dp: DataPlaneStatus): string[] {
  const lines = [`Flow binaries (searched in order: ${dp.searched.join(', ')}):`];
  const width = Math.max(...dp.binaries.map((b) => b.name.length));
  for (const b of dp.binaries) {
    lines.push(
      b.path && b.source
        ? `  ✓ ${b.name.padEnd(width)}  ${b.path} (${SOURCE_LABEL[b.source]})`
        : `  ✗ ${b.name.padEnd(width)}  missing — needed by ${b.neededBy}`,
    );
  }
  if (dp.brokerAddress && dp.consumerAddress) {
    lines.push(`  Data plane: broker ${dp.brokerAddress}, consumer ${dp.consumerAddress}`);
    if (dp.gatewayUrl) lines.push(`  Gateway: ${dp.gatewayUrl}`);
  }
  if (dp.binaries.some((b) => b.path === null)) {
    lines.push(
      '  Missing binaries: pass --bin-dir <folder> (or FLOW_DESKTOP_BIN_DIR, or Settings → Flow bin directory),',
      '  put them on PATH, or fetch them into resources/bin/ with `npx tsx scripts/fetch-flow-binaries.ts`',
      '  (published for Linux x64 only). Without flowctl-go the agents run in control-plane-only mode.',
    );
  }
  return lines;
}

/** A human-readable status: the services as a table, then the connection details. */
export function statusPretty(status: StackStatus): string {
  const lines: string[] = [];
  const head = status.running
    ? `${status.state} (supervisor pid ${status.pid ?? '?'})`
    : status.state === 'degraded'
      ? 'no supervisor, but some of its processes still run'
      : 'not running';
  lines.push(`Flow Desktop stack: ${head}`);
  lines.push(`Data directory: ${status.dataDir}`, '');
  for (const problem of status.problems ?? []) {
    lines.push(`  ${problem.severity === 'error' ? '✗' : '!'} ${problem.message} (since ${problem.since})`);
  }
  if (status.problems?.length) lines.push('');
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
  if (status.dataPlane) lines.push('', ...dataPlanePretty(status.dataPlane).map((l) => `  ${l}`));
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
