import pg from 'pg';

/** One statement of a batch: a named prepared statement (parsed once per connection) and its values. */
export interface BatchStatement {
  /** The prepared statement's name; the same name must always carry the same text. */
  readonly name: string;
  readonly text: string;
  readonly values: readonly unknown[];
}

/** The outcome of a batch: the first row of the statement asked for, its fields as PostgreSQL's text. */
export interface BatchResult {
  readonly row: readonly (string | null)[] | null;
}

/** What a connection has prepared through batches. */
interface ConnectionState {
  /** Prepared statement names → texts, least recently used first (a Map keeps insertion order). */
  readonly prepared: Map<string, string>;
  /** Names to close at the start of the next batch. */
  readonly closing: string[];
  /** What the prepared statements were made under (see runBatch). */
  epoch: object | undefined;
}

const states = new WeakMap<object, ConnectionState>();

/** Statements kept prepared on one connection; beyond it the least recently used are closed. */
export const MAX_PREPARED = 100;

function stateOf(connection: object): ConnectionState {
  let state = states.get(connection);
  if (!state) {
    state = { prepared: new Map(), closing: [], epoch: undefined };
    states.set(connection, state);
  }
  return state;
}

function wireValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(value);
}

/** The parts of pg's Connection a batch writes with (its typings lag behind the runtime). */
interface Wire {
  readonly stream: { cork(): void; uncork(): void };
  parse(query: { name: string; text: string; types: never[] }): void;
  bind(config: { statement: string; values: (string | null)[] }): void;
  execute(config: Record<string, never>): void;
  close(msg: { type: 'S'; name: string }): void;
  sync(): void;
}

/**
 * Several statements in one extended-protocol exchange with a single Sync, as libpq's pipeline mode sends
 * them: PostgreSQL runs them in order and answers once, so the whole batch costs one round trip and one
 * flush on each side. After an error PostgreSQL skips the rest up to the Sync, so nothing after a failed
 * statement runs. Each statement is prepared (Parse) the first time a connection sees its name and only
 * bound and executed after that, which saves PostgreSQL the parse and, once its plan is cached, the
 * planning. A pg.Query subclass, so pg's pipelining client queues it like any query.
 */
class BatchQuery extends pg.Query {
  private step = 0;
  private row: (string | null)[] | null = null;
  private done = false;
  /** Names parsed by this batch: unconfirmed until its ReadyForQuery. */
  private readonly parsed: string[] = [];

  constructor(
    private readonly statements: readonly BatchStatement[],
    private readonly resultIndex: number,
    private readonly closing: readonly string[],
    private readonly finish: (error: Error | null, result: BatchResult, parsed: readonly string[]) => void,
  ) {
    super({ text: statements.map((s) => s.name).join(';') });
  }

  override submit = (connection: pg.Connection): void => {
    const wire = connection as unknown as Wire;
    const names = stateOf(connection).prepared;
    // One socket write for the whole batch.
    wire.stream.cork();
    try {
      for (const name of this.closing) wire.close({ type: 'S', name });
      for (const s of this.statements) {
        if (names.has(s.name)) {
          // Most recently used last, so the oldest is closed first when there are too many.
          names.delete(s.name);
        } else {
          wire.parse({ name: s.name, text: s.text, types: [] });
          this.parsed.push(s.name);
        }
        names.set(s.name, s.text);
        wire.bind({ statement: s.name, values: s.values.map(wireValue) });
        wire.execute({});
      }
      wire.sync();
    } finally {
      wire.stream.uncork();
    }
  };

  handleRowDescription(): void {
    // No Describe is sent: the caller knows its statement's columns by position.
  }

  handleDataRow(msg: { fields: (string | null)[] }): void {
    if (this.step === this.resultIndex && this.row === null) this.row = msg.fields;
  }

  handleCommandComplete(): void {
    this.step++;
  }

  handleEmptyQuery(): void {
    this.step++;
  }

  handlePortalSuspended(): void {
    // Never asked for: every Execute fetches all rows.
  }

  handleError(error: Error): void {
    if (this.done) return;
    this.done = true;
    this.finish(error, { row: null }, this.parsed);
  }

  handleReadyForQuery(): void {
    if (this.done) return;
    this.done = true;
    this.finish(null, { row: this.row }, []);
  }
}

/**
 * Runs statements as one batch (see BatchQuery) and resolves with the first row of
 * `statements[resultIndex]`. `epoch` is what the statements' texts were made under (the schema cache):
 * when it changes, the statements the connection prepared before are closed, because a prepared statement
 * keeps the parameter types it was parsed with even when a table changes under it. When a batch fails,
 * the statements it parsed are closed by the next batch (closing an unknown name is no error), because
 * PostgreSQL does not say which of them it parsed before the failure.
 */
export function runBatch(
  client: pg.ClientBase,
  statements: readonly BatchStatement[],
  resultIndex: number,
  epoch?: object,
): Promise<BatchResult> {
  const connection = (client as unknown as { connection: object }).connection;
  const state = stateOf(connection);
  if (epoch !== undefined && state.epoch !== epoch) {
    state.closing.push(...state.prepared.keys());
    state.prepared.clear();
    state.epoch = epoch;
  }
  const wanted = new Set(statements.map((s) => s.name));
  let excess = state.prepared.size + statements.length - MAX_PREPARED;
  for (const name of state.prepared.keys()) {
    if (excess <= 0) break;
    if (!wanted.has(name)) {
      state.closing.push(name);
      state.prepared.delete(name);
      excess--;
    }
  }
  const closing = state.closing.splice(0);
  return new Promise((resolve, reject) => {
    void client.query(
      new BatchQuery(statements, resultIndex, closing, (error, result, parsed) => {
        if (error) {
          for (const name of parsed) state.prepared.delete(name);
          state.closing.push(...parsed);
          reject(error);
        } else {
          resolve(result);
        }
      }),
    );
  });
}
