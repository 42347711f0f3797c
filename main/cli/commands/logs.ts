import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { LogLine } from '../../../shared/stack-events.js';
import { ControlCallError, connectToSupervisor } from '../../control/control-client.js';
import { parseLogFileLine } from '../../logs/log-store.js';
import { CliError } from '../cli-error.js';
import { print } from '../output.js';
import { configFromFlags, type StackFlags } from '../stack-options.js';

/** Flags of `logs`. */
export interface LogsFlags extends StackFlags {
  readonly follow?: boolean;
  readonly lines?: string;
}

/** `flow-desktop logs [service]`: the latest lines of one service or all, optionally following new ones. */
export async function logsCommand(service: string | undefined, flags: LogsFlags): Promise<void> {
  const n = flags.lines === undefined ? 100 : Number(flags.lines);
  if (!Number.isInteger(n) || n < 0)
    throw new CliError(`-n takes a whole number of lines, not "${flags.lines}"`);
  const config = configFromFlags(flags);
  const show = (line: LogLine): void =>
    print(
      flags.json
        ? JSON.stringify(line)
        : `${line.at} ${line.service.padEnd(10)} | ${line.stream === 'supervisor' ? '[supervisor] ' : ''}${line.text}`,
    );
  const client = await connectToSupervisor(config.layout.controlFile);
  if (!client) {
    if (flags.follow) {
      throw new CliError(
        'the stack is not running, so there is nothing to follow; start it with `flow-desktop up`',
      );
    }
    for (const line of readLogFiles(config.layout.logs, service, n)) show(line);
    return;
  }
  try {
    const { lines } = await client.call('GET /v1/logs', { ...(service ? { service } : {}), n });
    for (const line of lines) show(line);
  } catch (error: unknown) {
    if (error instanceof ControlCallError) throw new CliError(error.message);
    throw error;
  }
  if (!flags.follow) return;
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  await client.events((event) => {
    if (event.type === 'log' && (service === undefined || event.line.service === service)) show(event.line);
  }, abort.signal);
}

/** Reads the last `n` lines of the log files of a stopped stack. */
function readLogFiles(dir: string, service: string | undefined, n: number): LogLine[] {
  if (!existsSync(dir)) throw new CliError(`no logs in ${dir} yet; start the stack with \`flow-desktop up\``);
  const services = service
    ? [service]
    : readdirSync(dir)
        .filter((f) => f.endsWith('.log') && f !== 'supervisor.log')
        .map((f) => f.slice(0, -4));
  const lines: LogLine[] = [];
  for (const name of services) {
    const file = path.join(dir, `${name}.log`);
    if (!existsSync(file)) throw new CliError(`no logs for service "${name}" in ${dir}`);
    const text = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    for (const raw of text.slice(-n)) lines.push(parseLogFileLine(name, raw));
  }
  return lines.sort((a, b) => a.at.localeCompare(b.at)).slice(-n);
}
