import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** Whether an error comes from reading a malformed URL: a bad `%` escape or an unparsable URL. */
export function isMalformedUrl(error: unknown): boolean {
  return (
    error instanceof URIError ||
    (error instanceof TypeError && (error as { code?: unknown }).code === 'ERR_INVALID_URL')
  );
}

function answer(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: message }));
}

/**
 * Wraps a request listener so that nothing it throws, synchronously or through a returned promise, reaches
 * the process: a malformed URL is a 400, anything else a 500 with the error logged.
 */
export function guardListener(listener: RequestListener, log: (text: string) => void): RequestListener {
  const fail = (res: ServerResponse, error: unknown): void => {
    if (isMalformedUrl(error)) {
      answer(res, 400, 'malformed URL');
      return;
    }
    log(`request failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    answer(res, 500, 'internal error');
  };
  return (req: IncomingMessage, res: ServerResponse) => {
    try {
      const result: unknown = listener(req, res);
      if (result instanceof Promise) result.catch((error: unknown) => fail(res, error));
    } catch (error: unknown) {
      fail(res, error);
    }
  };
}
