import { rmSync } from 'node:fs';
import readline from 'node:readline';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';

import { type BuildResult, buildFunction, type FunctionBuild, unchanged } from './function-build.js';
import { type RuntimeError, runtimeError } from './runtime-errors.js';
import type { WorkerBoot, WorkerMessage, WorkerRequest } from './worker-protocol.js';

/** A buffered HTTP response. */
export interface FunctionResponse {
  readonly status: number;
  readonly statusText?: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array | null;
}

/** How a function host runs its function. */
export interface FunctionHostOptions {
  readonly name: string;
  /** Where compiled bundles go (in the data directory). */
  readonly buildDir: string;
  /** The supabase/ folder (compiler messages name files relative to it). */
  readonly sourceRoot: string;
  /** The function's environment (Deno.env / process.env in the worker), read at each worker start. */
  readonly env: () => Record<string, string>;
  /** Files whose change restarts the function besides its sources (the functions' .env). */
  readonly extraInputs: readonly string[];
  /** Longest a request may take (the wall clock limit); then the worker is stopped. */
  readonly timeoutMs: number;
  /** Heap limit of the worker. */
  readonly memoryLimitMb: number;
  readonly log: (text: string) => void;
}

/** The request a host runs, without its id. */
export type FunctionRequest = Omit<WorkerRequest, 'type' | 'id'>;

interface Pending {
  readonly resolve: (response: FunctionResponse) => void;
  readonly timer: NodeJS.Timeout;
}

/** One worker thread running one build of the function. */
class FunctionWorker {
  readonly ready: Promise<string | null>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private dead = false;
  private retiring = false;
  private readonly worker: Worker;

  constructor(
    readonly build: FunctionBuild,
    private readonly options: FunctionHostOptions,
    /** Called once when the worker died (crash, exit, stop): it serves no more requests. */
    private readonly onDead: (worker: FunctionWorker) => void,
  ) {
    const boot: WorkerBoot = { name: options.name };
    this.worker = new Worker(build.outfile, {
      workerData: boot,
      // Its own copy of the environment: the runtime's (with the JWT secret) is not the function's.
      env: options.env(),
      stdout: true,
      stderr: true,
      // Stack traces name the function's TypeScript lines (the bundle has an inline source map).
      execArgv: [...process.execArgv.filter((a) => a !== '--enable-source-maps'), '--enable-source-maps'],
      resourceLimits: { maxOldGenerationSizeMb: options.memoryLimitMb },
    });
    this.pipe(this.worker.stdout);
    this.pipe(this.worker.stderr);
    this.ready = new Promise((resolve) => {
      const onBootMessage = (message: WorkerMessage): void => {
        if (message.type === 'ready') resolve(null);
        else if (message.type === 'boot-error') resolve(message.message);
        else return;
        this.worker.off('message', onBootMessage);
      };
      this.worker.on('message', onBootMessage);
      this.worker.once('error', (error: Error) => resolve(error.stack ?? error.message));
      this.worker.once('exit', (code) => resolve(`the worker exited (code ${code}) while loading`));
    });
    this.worker.on('message', (message: WorkerMessage) => this.onMessage(message));
    this.worker.on('error', (error: Error) => {
      const limit = (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY';
      options.log(
        `[${options.name}] ${limit ? 'out of memory' : 'crashed'}: ${error.stack ?? error.message}`,
      );
      this.fail(limit ? 'WorkerLimit' : 'InvalidWorkerResponse');
    });
    this.worker.on('exit', () => this.fail('InvalidWorkerResponse'));
  }

  /** Runs one request; every outcome (answer, throw, crash, time-out) is a response. */
  run(request: FunctionRequest): Promise<FunctionResponse> {
    if (this.dead) return Promise.resolve(runtimeError('InvalidWorkerResponse'));
    const id = ++this.nextId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.options.log(
          `[${this.options.name}] ${request.method} ${new URL(request.url).pathname}: no response within ${this.options.timeoutMs} ms; stopping the worker`,
        );
        this.pending.delete(id);
        resolve(runtimeError('WorkerLimit'));
        void this.stop();
      }, this.options.timeoutMs);
      this.pending.set(id, { resolve, timer });
      const body = request.body;
      const message: WorkerRequest = { ...request, type: 'request', id };
      this.worker.postMessage(message, body ? [body.buffer as ArrayBuffer] : []);
    });
  }

  /** Stops the worker once its in-flight requests are answered (a newer build took over), then `then` runs. */
  retire(then: () => void): void {
    this.retiring = true;
    this.afterRetire = then;
    if (this.pending.size === 0) void this.stop().then(then);
  }

  private afterRetire: () => void = () => undefined;

  /** Stops the worker now; its in-flight requests fail. */
  async stop(): Promise<void> {
    this.dead = true;
    await this.worker.terminate();
  }

  private onMessage(message: WorkerMessage): void {
    if (message.type !== 'response' && message.type !== 'error') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.type === 'error') {
      this.options.log(`[${this.options.name}] error: ${message.message}`);
      pending.resolve(runtimeError('InvalidWorkerResponse'));
    } else {
      pending.resolve({
        status: message.status,
        statusText: message.statusText,
        headers: message.headers,
        body: message.body,
      });
    }
    if (this.retiring && this.pending.size === 0) void this.stop().then(this.afterRetire);
  }

  private fail(kind: RuntimeError): void {
    const first = !this.dead;
    this.dead = true;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.resolve(runtimeError(kind));
      this.pending.delete(id);
    }
    if (first) this.onDead(this);
  }

  private pipe(stream: Readable): void {
    const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', (line) => this.options.log(`[${this.options.name}] ${line}`));
  }
}

/**
 * Runs one Edge Function: compiles it when its sources changed since the last build (checked at every request,
 * so edits apply without a restart), keeps one worker thread per build for all requests, and swaps in a new
 * worker after a change (the old one finishes its requests first). A function that throws, crashes, runs out
 * of memory or time gets Supabase's error responses, and its error in this runtime's log; the runtime lives on.
 */
export class FunctionHost {
  private last: BuildResult | null = null;
  private building: Promise<BuildResult> | null = null;
  private worker: FunctionWorker | null = null;
  private readonly workers = new Set<FunctionWorker>();

  constructor(private readonly options: FunctionHostOptions) {}

  /** Answers a request with the function's current code. */
  async handle(entrypoint: string, request: FunctionRequest): Promise<FunctionResponse> {
    const built = await this.currentBuild(entrypoint);
    if (!built.ok) return runtimeError('BootError');
    let worker = this.worker;
    if (!worker || worker.build !== built.build) {
      if (worker) this.retire(worker);
      worker = new FunctionWorker(built.build, this.options, (w) => {
        if (this.worker === w) this.worker = null;
      });
      this.worker = worker;
      this.workers.add(worker);
    }
    const bootError = await worker.ready;
    if (bootError !== null) {
      this.options.log(`[${this.options.name}] failed to boot: ${bootError}`);
      if (this.worker === worker) this.worker = null;
      this.workers.delete(worker);
      void worker.stop();
      return runtimeError('BootError');
    }
    return worker.run(request);
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    const all = [...this.workers];
    this.worker = null;
    this.workers.clear();
    await Promise.all(all.map((w) => w.stop()));
  }

  private async currentBuild(entrypoint: string): Promise<BuildResult> {
    if (this.building) return this.building;
    const last = this.last;
    if (last && last.entrypoint === entrypoint && unchanged(last.inputs)) return last;
    this.building = (async () => {
      const began = Date.now();
      const result = await buildFunction(
        this.options.name,
        entrypoint,
        this.options.buildDir,
        this.options.sourceRoot,
        this.options.extraInputs,
      );
      if (result.ok) {
        this.options.log(
          `[${this.options.name}] ${last ? 'changed: recompiled' : 'compiled'} in ${Date.now() - began} ms`,
        );
      } else {
        this.options.log(`[${this.options.name}] does not compile:\n${result.errors}`);
      }
      this.last = result;
      return result;
    })().finally(() => {
      this.building = null;
    });
    return this.building;
  }

  /** A newer build took over: the old worker finishes its requests, then it and its bundle go. */
  private retire(worker: FunctionWorker): void {
    if (this.worker === worker) this.worker = null;
    worker.retire(() => {
      this.workers.delete(worker);
      rmSync(worker.build.outfile, { force: true });
    });
  }
}
