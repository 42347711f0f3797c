import pg from 'pg';

/**
 * Holds LISTEN on the queue channels on a dedicated session connection and calls `onNotify(channel)`. A
 * notification is only a hint that work may be waiting: workers poll anyway, so a dropped listener costs
 * latency, never work. It reconnects with exponential backoff plus jitter (100 ms doubling to 10 s).
 */
export class QueueListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly channels: readonly string[],
    private readonly onNotify: (channel: string) => void,
    private readonly log: (text: string) => void,
  ) {}

  /** Connects (retrying in the background on failure). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Closes the connection and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.databaseUrl,
      application_name: 'flow-agent-listener',
    });
    client.on('notification', (msg) => this.onNotify(msg.channel));
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client, new Error('connection ended')));
    try {
      await client.connect();
      // Channel names are constants (the queue tables), never user input.
      for (const channel of this.channels) await client.query(`listen ${channel}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      this.attempt = 0;
      // Something may have been queued while we were not listening.
      for (const channel of this.channels) this.onNotify(channel);
    } catch (error: unknown) {
      await client.end().catch(() => undefined);
      this.retry(error);
    }
  }

  private dropped(client: pg.Client, error: Error): void {
    if (this.client !== client || this.stopped) return;
    this.client = null;
    void client.end().catch(() => undefined);
    this.retry(error);
  }

  private retry(error: unknown): void {
    if (this.stopped) return;
    const base = Math.min(10_000, 100 * 2 ** this.attempt++);
    const delay = base / 2 + Math.random() * (base / 2);
    this.log(
      `listener: ${error instanceof Error ? error.message : String(error)}; reconnecting in ${Math.round(delay)} ms`,
    );
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }
}
