import pg from 'pg';

import { ApiError } from '../api-error.js';
import { loadSchemaCache, type SchemaCache } from './schema-cache.js';

/**
 * Holds the schema cache and keeps it fresh as PostgREST does: LISTEN on channel `pgrst` (the bootstrap's
 * event triggers notify after DDL) and reload on 'reload schema'. When the listening connection drops
 * (e.g. `reset` recreated the database) it reconnects with backoff and reloads.
 */
export class SchemaWatcher {
  private current: SchemaCache | null = null;
  private listener: pg.Client | null = null;
  private stopped = false;
  private loading: Promise<void> | null = null;
  private again = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoffMs = 100;

  constructor(
    private readonly pool: pg.Pool,
    private readonly listenConfig: pg.ClientConfig,
    private readonly schemas: readonly string[],
    private readonly extraSchemas: readonly string[],
    private readonly log: (text: string) => void,
  ) {}

  /** The current cache, or 503 PGRST002 while none is loaded. */
  get(): SchemaCache {
    if (!this.current) {
      throw new ApiError(503, 'PGRST002', 'Could not query the database for the schema cache. Retrying.');
    }
    return this.current;
  }

  /** Loads the cache and starts listening; resolves once the first load is done (or failed and retrying). */
  async start(): Promise<void> {
    await this.connectListener();
  }

  /** Reloads now; concurrent calls coalesce into at most one more load. */
  reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      do {
        this.again = false;
        const client = await this.pool.connect();
        try {
          this.current = await loadSchemaCache(client, this.schemas, this.extraSchemas, this.current);
        } finally {
          client.release();
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async connectListener(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client(this.listenConfig);
    client.on('error', () => this.scheduleReconnect(client));
    client.on('end', () => this.scheduleReconnect(client));
    client.on('notification', (msg) => {
      const reloads = msg.payload === 'reload schema' || msg.payload === 'reload config' || !msg.payload;
      if (msg.channel === 'pgrst' && reloads) {
        this.reload().catch((e: unknown) => this.log(`schema cache reload failed: ${String(e)}`));
      }
    });
    try {
      await client.connect();
      await client.query('LISTEN pgrst');
      this.listener = client;
      await this.reload();
      this.backoffMs = 100;
    } catch (error: unknown) {
      this.log(`schema cache: ${error instanceof Error ? error.message : String(error)}; retrying`);
      this.scheduleReconnect(client);
    }
  }

  private scheduleReconnect(client: pg.Client): void {
    if (this.stopped || this.retryTimer || (this.listener !== null && this.listener !== client)) return;
    this.listener = null;
    client.end().catch(() => undefined);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, 5000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connectListener();
    }, delay);
  }

  /** Stops listening. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.loading?.catch(() => undefined);
  }
}
