import os from 'node:os';
import path from 'node:path';

import envPaths from 'env-paths';

/** Where everything of one stack lives on disk. */
export interface DataDirLayout {
  readonly root: string;
  readonly pgdata: string;
  readonly logs: string;
  readonly run: string;
  readonly controlFile: string;
  readonly processesFile: string;
  /** Pid and start time of the process holding the data directory's owner lock (the supervisor). */
  readonly ownerFile: string;
  readonly secretsFile: string;
  /** Durable facts of this stack (the ports it last ran with). */
  readonly stackFile: string;
  /** User settings (GUI): ports, agents, bin dir, keep running on quit. */
  readonly settingsFile: string;
  /** Where diagnostics bundles are written. */
  readonly diagnostics: string;
  readonly supervisorLog: string;
}

/**
 * The default data directory: `FLOW_DESKTOP_HOME`, else the OS app-data folder. For root on Linux that is
 * /var/lib/flow-desktop, because root's home is closed to the unprivileged user Postgres must run as.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.FLOW_DESKTOP_HOME;
  if (fromEnv) return path.resolve(fromEnv);
  if (process.platform === 'linux' && process.getuid?.() === 0) return '/var/lib/flow-desktop';
  return envPaths('flow-desktop', { suffix: '' }).data;
}

/** The layout of a data directory. */
export function dataDirLayout(root: string): DataDirLayout {
  const abs = path.resolve(root.replace(/^~(?=$|\/)/, os.homedir()));
  const run = path.join(abs, 'run');
  const logs = path.join(abs, 'logs');
  return {
    root: abs,
    pgdata: path.join(abs, 'postgres'),
    logs,
    run,
    controlFile: path.join(run, 'control.json'),
    processesFile: path.join(run, 'processes.json'),
    ownerFile: path.join(run, 'owner.json'),
    secretsFile: path.join(abs, 'secrets.json'),
    stackFile: path.join(abs, 'stack.json'),
    settingsFile: path.join(abs, 'settings.json'),
    diagnostics: path.join(abs, 'diagnostics'),
    supervisorLog: path.join(logs, 'supervisor.log'),
  };
}
