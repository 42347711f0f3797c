import type { ReactNode } from 'react';

import { ErrorNotice } from './ErrorNotice.js';
import { LoadingLine } from './LoadingLine.js';

/** The state of a list's request, as a store keeps it. */
export interface QueryState {
  /** The last request failed: the explained error (sentence, then detail lines). */
  readonly error: string | null;
  /** True once a load succeeded: there is data to show (maybe an empty list). */
  readonly hasData: boolean;
  /** When the request in flight started (for its elapsed time), if known. */
  readonly startedAt?: number | null;
}

/** Which state a list shows: never two at once (no "No drafts yet" beside an error, no endless spinner). */
type QueryView = 'failed' | 'loading' | 'empty' | 'ready';

/** The one state a list is in: a failure wins, then a first load, then the empty list. */
function queryView(state: QueryState, empty: boolean): QueryView {
  if (state.error !== null) return 'failed';
  if (!state.hasData) return 'loading';
  return empty ? 'empty' : 'ready';
}

/**
 * Loading, failed and empty states of a list view, shown apart: the failure says what could not be loaded and
 * offers to try again; loading says what and for how long; the empty state is the view's own sentence. `name`
 * names the test ids (`<name>-loading`, `<name>-error`, `<name>-empty`) unless `testIds` overrides them.
 */
export function QueryStates(props: {
  readonly state: QueryState;
  /** Whether the loaded list is empty (default: never, for a view that shows its own empty states). */
  readonly empty?: boolean;
  /** What is loaded, for "Loading your drafts…" and "Your drafts could not be loaded." */
  readonly what: string;
  readonly name: string;
  readonly emptyContent?: ReactNode;
  readonly onRetry?: () => void;
  readonly testIds?: { readonly loading?: string; readonly error?: string; readonly empty?: string };
  readonly children?: ReactNode;
}): React.JSX.Element {
  const { state, what, name } = props;
  switch (queryView(state, props.empty ?? false)) {
    case 'failed':
      return (
        <ErrorNotice
          error={`${capitalize(what)} could not be loaded. ${state.error ?? ''}`}
          testId={props.testIds?.error ?? `${name}-error`}
          onRetry={props.onRetry}
        />
      );
    case 'loading':
      return (
        <LoadingLine
          what={`Loading ${what}`}
          startedAt={state.startedAt ?? null}
          testId={props.testIds?.loading ?? `${name}-loading`}
        />
      );
    case 'empty':
      return (
        <div className="empty-state" data-testid={props.testIds?.empty ?? `${name}-empty`}>
          {props.emptyContent}
        </div>
      );
    case 'ready':
      return <>{props.children}</>;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
