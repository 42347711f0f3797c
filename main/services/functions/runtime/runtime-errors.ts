// The responses of the Supabase CLI's edge runtime (its main worker, `supabase functions serve`) for requests a
// function did not answer itself.
import type { FunctionResponse } from './function-host.js';

/** Failures of a function's worker, named as the edge runtime names them. */
export type RuntimeError = 'BootError' | 'InvalidWorkerResponse' | 'WorkerLimit';

const ERRORS: Readonly<Record<RuntimeError, { status: number; code: string; message: string }>> = {
  BootError: { status: 503, code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' },
  InvalidWorkerResponse: {
    status: 500,
    code: 'WORKER_ERROR',
    message: 'Function exited due to an error (please check logs)',
  },
  WorkerLimit: {
    status: 546,
    code: 'WORKER_LIMIT',
    message: 'Worker failed to respond due to a resource limit (please check logs)',
  },
};

/** A JSON response. */
export function jsonResponse(status: number, payload: unknown): FunctionResponse {
  return {
    status,
    headers: [['Content-Type', 'application/json']],
    body: new TextEncoder().encode(JSON.stringify(payload)),
  };
}

/** The edge runtime's answer for a failed worker. */
export function runtimeError(kind: RuntimeError): FunctionResponse {
  const { status, code, message } = ERRORS[kind];
  return jsonResponse(status, { code, message });
}

/** An unknown (or disabled) function: the CLI's plain-text 404. */
export function functionNotFound(): FunctionResponse {
  return {
    status: 404,
    headers: [['Content-Type', 'text/plain']],
    body: new TextEncoder().encode('Function not found'),
  };
}
