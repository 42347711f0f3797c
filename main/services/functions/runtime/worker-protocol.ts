// The messages between the Edge Functions runtime and a function's worker thread. Bodies travel as bytes
// (transferred, not copied); requests and responses are buffered, not streamed.

/** A request for the function's handler. */
export interface WorkerRequest {
  readonly type: 'request';
  readonly id: number;
  readonly method: string;
  readonly url: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array | null;
}

/** What a worker says. */
export type WorkerMessage =
  /** The module ran and registered a handler. */
  | { readonly type: 'ready' }
  /** The module ran without registering a handler (or registered it wrongly). */
  | { readonly type: 'boot-error'; readonly message: string }
  | {
      readonly type: 'response';
      readonly id: number;
      readonly status: number;
      readonly statusText: string;
      readonly headers: readonly (readonly [string, string])[];
      readonly body: Uint8Array | null;
    }
  /** The handler threw, or returned something that is not a Response. */
  | { readonly type: 'error'; readonly id: number; readonly message: string };

/** What the runtime tells a worker at start (workerData). */
export interface WorkerBoot {
  readonly name: string;
}
