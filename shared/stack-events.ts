import type { StackOperationInfo } from './control-api.js';
import type { ServiceState } from './service-info.js';
import type { StackProblem } from './stack-status.js';

/**
 * Typed events of the supervisor. The GUI and the CLI subscribe to them through the control API; each has a
 * `type` discriminator and an ISO timestamp.
 */

/** A service moved from one state to another. */
export interface ServiceStateEvent {
  readonly type: 'service-state';
  readonly at: string;
  readonly service: string;
  readonly from: ServiceState;
  readonly to: ServiceState;
  readonly reason: string;
}

/** A service is about to be restarted; never silent. */
export interface ServiceRestartEvent {
  readonly type: 'service-restart';
  readonly at: string;
  readonly service: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

/** A named phase of a long stack operation (start, stop, reset) with its elapsed time. */
export interface StackPhaseEvent {
  readonly type: 'stack-phase';
  readonly at: string;
  readonly operation: 'start' | 'stop' | 'reset';
  readonly phase: string;
  readonly status: 'running' | 'done' | 'failed';
  readonly elapsedMs: number;
  readonly message: string;
}

/** One line of a service's output (or a supervisor note about the service). */
export interface LogLine {
  readonly seq: number;
  readonly at: string;
  readonly service: string;
  readonly stream: 'stdout' | 'stderr' | 'supervisor';
  readonly text: string;
}

/** A log line as an event. */
export interface LogEvent {
  readonly type: 'log';
  readonly at: string;
  readonly line: LogLine;
}

/** A problem of the whole stack appeared (or changed), or was resolved. */
export interface StackProblemEvent {
  readonly type: 'stack-problem';
  readonly at: string;
  readonly problem: StackProblem;
  readonly resolved: boolean;
}

/** A stack operation was queued, started, finished, failed or refused. */
export interface StackOperationEvent {
  readonly type: 'stack-operation';
  readonly at: string;
  readonly operation: StackOperationInfo;
  readonly status: 'queued' | 'running' | 'done' | 'failed' | 'refused';
  readonly message: string;
}

/** Every event the supervisor emits. */
export type StackEvent =
  | ServiceStateEvent
  | ServiceRestartEvent
  | StackPhaseEvent
  | LogEvent
  | StackProblemEvent
  | StackOperationEvent;
