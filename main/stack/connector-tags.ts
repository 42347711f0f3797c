import pg from 'pg';

import type { ConnectorTagRetry, ControlRoutes } from '../../shared/control-api.js';
import type { ConnectorTagStatus } from '../../shared/job-status.js';
import { ControlRequestError } from '../control/control-server.js';
import { databaseUrls } from '../services/migrate/database-migrator.js';
import type { LocalStack } from './local-stack.js';

type ConnectorTagRoutes = 'POST /v1/connector-tags/retry';

/** The control API handlers for connector tags. */
export type ConnectorTagHandlers = {
  readonly [R in ConnectorTagRoutes]: (
    request: ControlRoutes[R]['request'],
  ) => Promise<ControlRoutes[R]['response']>;
};

/** A flowid as Postgres prints it (macaddr8): eight hex pairs separated by colons. */
const FLOWID = /^[0-9a-f]{2}(:[0-9a-f]{2}){7}$/i;

/**
 * How long the retry waits for the tag's row lock: an agent working the tag holds it for the whole job, and the
 * request must answer rather than hang until the pull ends.
 */
const LOCK_TIMEOUT_MS = 2000;

/**
 * Connector tags through the control API. `authenticated` may only read `connector_tags`, so a user cannot
 * re-queue a tag through the Supabase API; the stack's operator can, as the owner, the way an operator of the
 * hosted control plane resets a failed tag's `job_status` by hand.
 */
export function connectorTagHandlers(stack: LocalStack): ConnectorTagHandlers {
  const databaseUrl = (): string =>
    databaseUrls(stack.config.ports.db, stack.secrets.superuserPassword).owner;
  return {
    'POST /v1/connector-tags/retry': async (request) => retryConnectorTag(databaseUrl(), request.tagId),
  };
}

/**
 * Sets a tag's job back to `queued` with a new logs token (the agent's update trigger notifies the agents),
 * unless it is queued already or an agent is working on it. The id is bound as a parameter.
 */
export async function retryConnectorTag(databaseUrl: string, tagId: unknown): Promise<ConnectorTagRetry> {
  if (typeof tagId !== 'string' || !FLOWID.test(tagId)) {
    throw new ControlRequestError(
      400,
      'bad_request',
      'tagId must be a connector tag id such as 0a:1b:2c:3d:4e:5f:60:71',
    );
  }
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    try {
      await client.connect();
    } catch {
      throw new ControlRequestError(
        503,
        'database_down',
        'The database (postgres) does not answer: start it, then try again.',
      );
    }
    await client.query('begin');
    await client.query(`set local lock_timeout = ${LOCK_TIMEOUT_MS}`);
    let current: { job_status: ConnectorTagStatus } | undefined;
    try {
      ({
        rows: [current],
      } = await client.query<{ job_status: ConnectorTagStatus }>(
        'select job_status from public.connector_tags where id = $1::flowid for update',
        [tagId],
      ));
    } catch (error: unknown) {
      if ((error as { code?: string }).code === '55P03') throw alreadyQueued(tagId);
      throw error;
    }
    if (!current) {
      throw new ControlRequestError(404, 'no_connector_tag', `There is no connector tag ${tagId}.`);
    }
    if (current.job_status.type === 'queued') throw alreadyQueued(tagId);
    const {
      rows: [row],
    } = await client.query<{ job_status: ConnectorTagStatus; logs_token: string; updated_at: Date }>(
      `update public.connector_tags
          set job_status = '{"type":"queued"}', logs_token = gen_random_uuid(), updated_at = now()
        where id = $1::flowid
        returning job_status, logs_token::text, updated_at`,
      [tagId],
    );
    await client.query('commit');
    return {
      tagId,
      jobStatus: row!.job_status,
      logsToken: row!.logs_token,
      previous: current.job_status,
      updatedAt: row!.updated_at.toISOString(),
    };
  } finally {
    await client.end().catch(() => undefined);
  }
}

function alreadyQueued(tagId: string): ControlRequestError {
  return new ControlRequestError(
    409,
    'already_queued',
    `Connector tag ${tagId} is queued already: an agent fetches it (or will as soon as one runs).`,
  );
}
