import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type {
  ControlRoutes,
  OperationOptions,
  OperationRequester,
  Settings,
  SettingsInfo,
} from '../../shared/control-api.js';
import type { MailMessage } from '../../shared/mailbox.js';
import type { LogLine } from '../../shared/stack-events.js';
import { removeControlFile, writeControlFile } from '../control/control-file.js';
import { ControlRequestError, startControlServer } from '../control/control-server.js';
import { SessionCodes } from '../control/session-codes.js';
import type { StartOutcome } from '../supervisor/supervisor.js';
import type { LocalStack } from './local-stack.js';
import { connectorTagHandlers } from './connector-tags.js';
import { migrationsHandlers } from './migrations-info.js';
import { OperationBusy } from './operation-queue.js';
import { PROJECT_ROOT } from './project-paths.js';
import { findFlowBinaries, readSettings, validateSettings, writeSettings } from './settings-store.js';

/** A stack being hosted: its control API is up and its services are starting or running. */
export interface HostedStack {
  readonly controlUrl: string;
  /** The GUI's address with a fresh one-time code, when serving the GUI (headless mode). */
  uiLink(): string | null;
  /** Resolves with the outcome of the initial start. */
  readonly started: Promise<StartOutcome>;
  /** Resolves once the stack has been stopped (by `shutdown()` or a control API call). */
  readonly stopped: Promise<void>;
  shutdown(): Promise<void>;
}

/** How to host: plain (control API on a free port) or headless (GUI and control API on the UI port). */
export interface HostOptions {
  /** The built GUI to serve on the UI port; omit to serve only the control API on a free port. */
  readonly guiRoot?: string;
}

/** The most log lines one request may ask for (more than any service keeps in memory). */
const MAX_LOG_LINES = 100_000;

const { version } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  version: string;
};

/**
 * Runs a stack as the supervisor of its data directory: serves the control API on 127.0.0.1 with a fresh
 * token (written to run/control.json, owner-only), then starts every service.
 */
export async function hostStack(stack: LocalStack, options: HostOptions = {}): Promise<HostedStack> {
  const token = randomBytes(32).toString('base64url');
  const sup = stack.supervisor;
  const config = stack.config;
  const codes = new SessionCodes();
  let shuttingDown: Promise<void> | null = null;
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let uiBase: string | null = null;

  const requireService = (name: string | undefined): string => {
    if (name === undefined || !sup.has(name)) {
      const known = sup
        .services()
        .map((s) => s.name)
        .join(', ');
      throw new ControlRequestError(404, 'unknown_service', `no service "${name ?? ''}"; services: ${known}`);
    }
    return name;
  };
  const uiLink = (): string | null => (uiBase ? `${uiBase}/#code=${codes.issue()}` : null);

  const handlers: {
    [R in keyof ControlRoutes]: (req: ControlRoutes[R]['request']) => Promise<ControlRoutes[R]['response']>;
  } = {
    'GET /v1/status': () => Promise.resolve({ ...stack.status(process.pid), uiUrl: uiBase }),
    'GET /v1/logs': async (req) => ({
      lines: await filterLogs(
        sup.logs.tail(req.service === undefined ? undefined : requireService(req.service)),
        req.search,
        req.n,
      ),
    }),
    'POST /v1/services/start': (req) =>
      operation(async () => {
        const name = requireService(req.service);
        await stack.startService(name, operationOptions(req));
        return sup.service(name);
      }),
    'POST /v1/services/stop': (req) =>
      operation(async () => {
        const name = requireService(req.service);
        await stack.stopService(name, operationOptions(req));
        return sup.service(name);
      }),
    'POST /v1/services/restart': (req) =>
      operation(async () => {
        const name = requireService(req.service);
        await stack.restartService(name, operationOptions(req));
        return sup.service(name);
      }),
    'POST /v1/stack/restart': (req) =>
      operation(async () => {
        await stack.restartStack(operationOptions(req));
        return { ...stack.status(process.pid), uiUrl: uiBase };
      }),
    'POST /v1/reset': (req) => operation(() => stack.reset(true, operationOptions(req))),
    'POST /v1/purge': (req) => operation(() => stack.purge(operationOptions(req))),
    'GET /v1/preflight': () => Promise.resolve({ checks: stack.lastPreflight, ranAt: stack.lastPreflightAt }),
    'POST /v1/preflight': async () => ({
      checks: await stack.rerunPreflight(),
      ranAt: stack.lastPreflightAt,
    }),
    'GET /v1/settings': () => {
      try {
        return Promise.resolve(settingsInfo(stack, readSettings(config.layout.settingsFile)));
      } catch (error: unknown) {
        // A damaged settings.json: say which file and what is wrong (PUT /v1/settings replaces it).
        throw new ControlRequestError(
          500,
          'damaged_settings',
          error instanceof Error ? error.message : String(error),
        );
      }
    },
    'PUT /v1/settings': (req) => {
      try {
        // Ports left unset keep their current values: check the combination the next start will use.
        validateSettings({
          dbPort: req.dbPort ?? config.ports.db,
          apiPort: req.apiPort ?? config.ports.api,
          uiPort: req.uiPort ?? config.ports.studio,
          mailboxPort: req.mailboxPort ?? config.ports.inbucket,
        });
        return Promise.resolve(settingsInfo(stack, writeSettings(config.layout.settingsFile, req)));
      } catch (error: unknown) {
        throw new ControlRequestError(
          400,
          'invalid_settings',
          error instanceof Error ? error.message : String(error),
        );
      }
    },
    'POST /v1/diagnostics': async (req) => {
      // Loaded when asked for (the zip library), not at every start.
      const { writeDiagnostics } = await import('./diagnostics.js');
      const written = writeDiagnostics({
        layout: config.layout,
        status: stack.status(process.pid),
        preflight: stack.lastPreflight,
        versions: { flowDesktop: version, postgres: sup.service('postgres').description },
        secrets: [...stack.secretValues(), token],
      });
      return req.inline ? { ...written, base64: readFileSync(written.path).toString('base64') } : written;
    },
    'GET /v1/mailbox': async () => ({ messages: await mailbox<MailMessage[]>(config.ports.inbucket, 'GET') }),
    'POST /v1/mailbox/clear': () => mailbox<{ deleted: number }>(config.ports.inbucket, 'DELETE'),
    'POST /v1/ui-link': () => {
      const url = uiLink();
      if (!url)
        throw new ControlRequestError(
          404,
          'no_gui',
          'this supervisor does not serve the GUI; use `flow-desktop serve`',
        );
      return Promise.resolve({ url });
    },
    'POST /v1/shutdown': (req) => {
      void shutdown(requester(req.requestedBy));
      return Promise.resolve({ stopping: true as const });
    },
    ...migrationsHandlers(stack),
    ...connectorTagHandlers(stack),
  };

  const server = await startControlServer(
    { ...handlers, onEvent: (listener) => sup.onEvent(listener) },
    options.guiRoot ? { token, port: config.ports.studio, ui: { root: options.guiRoot, codes } } : { token },
  );
  if (options.guiRoot) uiBase = server.url;

  const controlFile = config.layout.controlFile;
  writeControlFile(controlFile, {
    pid: process.pid,
    url: server.url,
    token,
    startedAt: new Date().toISOString(),
    ...(uiBase ? { uiUrl: uiBase } : {}),
  });

  const shutdown = (requestedBy: OperationRequester = 'client'): Promise<void> => {
    shuttingDown ??= (async () => {
      await stack.down(requestedBy);
      removeControlFile(controlFile, process.pid);
      await server.close();
      resolveStopped();
    })();
    return shuttingDown;
  };

  return {
    controlUrl: server.url,
    uiLink,
    started: stack.up(),
    stopped,
    shutdown: () => shutdown('supervisor'),
  };
}

/** Runs a stack operation for a request; a refusal (another operation runs) is a 409 naming it. */
async function operation<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error: unknown) {
    if (!(error instanceof OperationBusy)) throw error;
    throw new ControlRequestError(409, error.code, error.message, {
      running: error.running,
      queued: error.queued,
    });
  }
}

const REQUESTERS: readonly OperationRequester[] = ['cli', 'gui', 'tray', 'supervisor', 'client'];

function requester(value: unknown): OperationRequester {
  if (value === undefined) return 'client';
  if (typeof value === 'string' && (REQUESTERS as readonly string[]).includes(value))
    return value as OperationRequester;
  throw new ControlRequestError(400, 'bad_request', `requestedBy must be one of ${REQUESTERS.join(', ')}`);
}

/** The operation options of a request, checked (they come from the network). */
function operationOptions(req: OperationOptions): OperationOptions {
  const ifBusy: unknown = req.ifBusy;
  if (ifBusy !== undefined && ifBusy !== 'wait' && ifBusy !== 'refuse') {
    throw new ControlRequestError(400, 'bad_request', 'ifBusy must be "wait" or "refuse"');
  }
  return { ifBusy: ifBusy ?? 'refuse', requestedBy: requester(req.requestedBy) };
}

/**
 * The mailbox lives in the supabase-api process on its own port; the GUI reaches it through the control API
 * so it needs no second origin (and no CORS) of its own.
 */
async function mailbox<T>(port: number, method: 'GET' | 'DELETE'): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${port}/api/v1/messages`, {
      method,
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    throw new ControlRequestError(
      503,
      'mailbox_down',
      `the mailbox (port ${port}) does not answer; is supabase-api running?`,
    );
  }
  if (!response.ok)
    throw new ControlRequestError(502, 'mailbox_error', `the mailbox answered HTTP ${response.status}`);
  return (await response.json()) as T;
}

/**
 * The newest `n` lines matching a case-insensitive regular expression. RE2 semantics, searched without blocking
 * the supervisor (see log-search.ts); a bad pattern or count is a 400 that says what is wrong.
 */
async function filterLogs(lines: LogLine[], search: unknown, n: unknown): Promise<LogLine[]> {
  const count = n ?? 100;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > MAX_LOG_LINES) {
    throw new ControlRequestError(400, 'bad_request', `n must be a whole number from 0 to ${MAX_LOG_LINES}`);
  }
  if (search !== undefined && typeof search !== 'string') {
    throw new ControlRequestError(400, 'bad_search', 'search must be a string');
  }
  // RE2 is loaded on the first search, not at every start.
  const { LogSearchError, searchLogLines } = await import('../logs/log-search.js');
  try {
    return await searchLogLines(lines, search, count);
  } catch (error: unknown) {
    if (error instanceof LogSearchError) throw new ControlRequestError(400, error.code, error.message);
    throw error;
  }
}

function settingsInfo(stack: LocalStack, settings: Settings): SettingsInfo {
  const c = stack.config;
  const effective = {
    dataDir: c.layout.root,
    dbPort: c.ports.db,
    apiPort: c.ports.api,
    uiPort: c.ports.studio,
    mailboxPort: c.ports.inbucket,
    agentCount: c.agentCount,
    flowBinDir: c.flowBinDir,
  };
  const differs =
    (settings.dbPort !== undefined && settings.dbPort !== effective.dbPort) ||
    (settings.apiPort !== undefined && settings.apiPort !== effective.apiPort) ||
    (settings.uiPort !== undefined && settings.uiPort !== effective.uiPort) ||
    (settings.mailboxPort !== undefined && settings.mailboxPort !== effective.mailboxPort) ||
    (settings.agentCount !== undefined && settings.agentCount !== effective.agentCount) ||
    (settings.flowBinDir !== undefined && settings.flowBinDir !== effective.flowBinDir);
  return {
    settings,
    effective,
    binaries: findFlowBinaries(settings.flowBinDir ?? effective.flowBinDir),
    restartNeeded: differs,
  };
}
