// Entry point of the `edge-functions` child process: configuration comes from the environment (secrets must not
// show in `ps`); its log lines (the runtime's and every function's console) go to stdout for the supervisor.
import { exitWithParent } from '../../../process/exit-with-parent.js';
import { startFunctionsServer } from './functions-server.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const log = (text: string): void => console.log(text);
const socketPath = required('EDGE_FUNCTIONS_SOCKET');
const server = await startFunctionsServer({
  socketPath,
  supabaseDir: required('EDGE_FUNCTIONS_SUPABASE_DIR'),
  buildDir: required('EDGE_FUNCTIONS_BUILD_DIR'),
  jwtSecret: required('EDGE_FUNCTIONS_JWT_SECRET'),
  functionEnv: JSON.parse(required('EDGE_FUNCTIONS_ENV')) as Record<string, string>,
  ...(process.env.EDGE_FUNCTIONS_TIMEOUT_MS
    ? { timeoutMs: Number(process.env.EDGE_FUNCTIONS_TIMEOUT_MS) }
    : {}),
  log,
});
log(`edge-functions listening on ${socketPath} (served at /functions/v1/<name> on the API port)`);

let closing = false;
const shutdown = (): void => {
  if (closing) return;
  closing = true;
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
exitWithParent(shutdown);
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
