import http from 'node:http';

/**
 * The builds root of a running data plane, found as flowctl-go finds it: `GET <consumer>/debug/vars` and the
 * value of `--flow.builds-root` in its `cmdline`. The consumer address is http://host:port or
 * unix://localhost/abs/path.sock.
 */
export async function fetchBuildsRoot(consumerAddress: string, timeoutMs = 5000): Promise<string> {
  const body = await getDebugVars(consumerAddress, timeoutMs);
  const vars = JSON.parse(body) as { cmdline?: unknown };
  const cmdline = Array.isArray(vars.cmdline) ? vars.cmdline.map(String) : [];
  for (let i = 0; i < cmdline.length; i++) {
    const arg = cmdline[i] ?? '';
    if (arg.startsWith('--flow.builds-root=')) return arg.slice('--flow.builds-root='.length);
    if (arg === '--flow.builds-root' && cmdline[i + 1]) return cmdline[i + 1] ?? '';
  }
  throw new Error(`the data plane at ${consumerAddress} does not say where its builds root is`);
}

/**
 * The builds root of the data plane, waiting up to `waitMs` for it to answer: a stack starts its agents and its
 * data plane side by side, and restarts a crashed data plane, so a publication may come while it is starting.
 * `onWait` is told once that it is waited for. Throws the last error after the wait.
 */
export async function waitForBuildsRoot(
  consumerAddress: string,
  waitMs: number,
  onWait: (error: string) => void,
  signal?: AbortSignal,
): Promise<string> {
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      return await fetchBuildsRoot(consumerAddress, Math.min(5000, Math.max(500, deadline - Date.now())));
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      // Only an unreachable data plane is worth waiting for; a wrong answer will not get better.
      if (!message.includes('is unreachable') || Date.now() >= deadline || signal?.aborted) throw error;
      if (!told) onWait(message);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function getDebugVars(address: string, timeoutMs: number): Promise<string> {
  const options: http.RequestOptions = address.startsWith('unix://')
    ? { socketPath: new URL(address).pathname, path: '/debug/vars' }
    : { ...urlParts(address), path: '/debug/vars' };
  return new Promise((resolve, reject) => {
    const req = http.get({ ...options, timeout: timeoutMs }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(data)
          : reject(new Error(`GET /debug/vars answered ${res.statusCode}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) =>
      reject(new Error(`the data plane at ${address} is unreachable: ${error.message}`)),
    );
  });
}

function urlParts(address: string): { host: string; port: number } {
  const url = new URL(address);
  return { host: url.hostname, port: Number(url.port || 80) };
}
