// Entry point of the `supabase-api` child process: configuration comes from the environment (the JWT secret
// must not show in `ps`), logs go to stdout for the supervisor.
import path from 'node:path';

import { exitWithParent } from '../process/exit-with-parent.js';
import { functionsSocketPath } from '../services/functions/functions-socket.js';
import { startApiServer } from './api-server.js';
import { edgeRuntimeSettings } from './config/functions-section.js';
import { readProjectConfig } from './config/project-config.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const log = (text: string): void => console.log(text);
const dataDir = process.env.SUPABASE_API_DATA_DIR;
const projectConfig = readProjectConfig(process.env.SUPABASE_API_SUPABASE_DIR);
const server = await startApiServer({
  port: Number(required('SUPABASE_API_PORT')),
  mailboxPort: process.env.SUPABASE_API_MAILBOX_PORT ? Number(process.env.SUPABASE_API_MAILBOX_PORT) : null,
  dbPort: Number(required('SUPABASE_API_DB_PORT')),
  database: process.env.SUPABASE_API_DATABASE ?? 'postgres',
  jwtSecret: required('SUPABASE_API_JWT_SECRET'),
  mailboxDir: dataDir ? path.join(dataDir, 'mailbox') : null,
  projectConfig,
  ...(process.env.SUPABASE_API_GUI_URL ? { guiUrl: process.env.SUPABASE_API_GUI_URL } : {}),
  functionsSocket:
    dataDir && edgeRuntimeSettings(projectConfig).enabled ? functionsSocketPath(dataDir) : null,
  log,
});
log(
  `supabase-api listening on ${server.url} (REST /rest/v1, Auth /auth/v1), mailbox on port ${server.mailboxPort ?? '-'}`,
);

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
