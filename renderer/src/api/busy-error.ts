import type {
  OperationBusyError,
  OperationRequester,
  StackOperationInfo,
  StackOperationKind,
} from '../../../shared/control-api.js';

const DOING: Readonly<Record<StackOperationKind, string>> = {
  start: 'starting the stack',
  stop: 'stopping the stack',
  'restart-stack': 'restarting the stack',
  reset: 'resetting the database',
  purge: 'purging the data',
  'start-service': 'starting',
  'stop-service': 'stopping',
  'restart-service': 'restarting',
};

const FROM: Readonly<Record<OperationRequester, string>> = {
  gui: 'from the GUI',
  tray: 'from the tray',
  cli: 'from the command line',
  supervisor: 'at start-up',
  client: 'through the control API',
};

/** "resetting the database (asked from the tray, running for 12 s)" */
export function describeRunningOperation(op: StackOperationInfo, now = Date.now()): string {
  const what = op.service ? `${DOING[op.kind]} ${op.service}` : DOING[op.kind];
  const asked = op.requestedBy === 'supervisor' ? FROM.supervisor : `asked ${FROM[op.requestedBy]}`;
  const since = op.startedAt
    ? `running for ${Math.max(0, Math.round((now - Date.parse(op.startedAt)) / 1000))} s`
    : 'about to start';
  return `${what} (${asked}, ${since})`;
}

/**
 * The sentence for the control API's busy answer (409 `operation_in_progress` / `stack_stopping`): it names the
 * operation that runs and who asked for it, instead of a code. `now` is this browser's clock.
 */
export function busySentence(body: OperationBusyError['error'], now = Date.now()): string {
  if (body.code === 'stack_stopping') return 'The stack is stopping, so nothing else can start now.';
  if (!body.running) return 'Another stack operation is running: try again when it is done.';
  const waiting = body.queued.length > 0 ? `, and ${body.queued.length} more wait their turn` : '';
  return `The stack is busy ${describeRunningOperation(body.running, now)}${waiting}: try again when it is done.`;
}

/** The busy answer's body, when an error is one (a ControlApiError carries the server's error body). */
export function busyBody(error: unknown): OperationBusyError['error'] | null {
  if (typeof error !== 'object' || error === null || !('body' in error)) return null;
  const body = error.body as Partial<OperationBusyError['error']> | null;
  if (!body || (body.code !== 'operation_in_progress' && body.code !== 'stack_stopping')) return null;
  return {
    code: body.code,
    message: body.message ?? '',
    running: body.running ?? null,
    queued: body.queued ?? [],
  };
}
