import { useEffect } from 'react';

import { hasSupabase } from '../../api/supabase.js';
import { type ShardSummary, summarizeShards, useShardsStore } from '../../stores/shards-store.js';

/** The props of a shard status badge. */
export interface ShardStatusBadgeProps {
  readonly catalogName: string;
  readonly specType: 'capture' | 'materialization' | 'collection' | 'test';
}

const LOOK: Readonly<Record<ShardSummary['kind'], { tone: string; label: string }>> = {
  running: { tone: 'good', label: 'running' },
  pending: { tone: 'busy', label: 'starting' },
  failed: { tone: 'bad', label: 'failed' },
  disabled: { tone: 'idle', label: 'disabled' },
  none: { tone: 'idle', label: 'not running' },
  loading: { tone: 'busy', label: '…' },
  'no-data-plane': { tone: 'idle', label: 'no data plane' },
};

function details(summary: ShardSummary, error: string | null): string {
  switch (summary.kind) {
    case 'running':
      return `${summary.shards} shard${summary.shards > 1 ? 's' : ''} PRIMARY`;
    case 'pending':
      return `shard status ${summary.code}`;
    case 'failed':
      return summary.errors.join('\n') || 'a shard FAILED';
    case 'disabled':
      return 'its shards are disabled';
    case 'none':
      return 'no shards in the data plane: not activated there (a restarted data plane starts empty; publish again)';
    case 'loading':
      return error ?? 'asking the data-plane gateway';
    case 'no-data-plane':
      return `no data-plane gateway answers${error ? `: ${error}` : ''}`;
  }
}

/**
 * The live status of a task's shards, through the data-plane gateway (polled while shown). Captures and
 * materializations always get a badge; collections only when they are derivations (they have shards); tests
 * never. "no data plane" when no gateway answers.
 */
export function ShardStatusBadge({ catalogName, specType }: ShardStatusBadgeProps): React.JSX.Element | null {
  useEffect(() => {
    if (specType === 'test' || !hasSupabase()) return undefined;
    const store = useShardsStore.getState();
    const unwatch = store.watch(catalogName);
    const release = store.startPolling();
    return () => {
      release();
      unwatch();
    };
  }, [catalogName, specType]);
  const gateway = useShardsStore((s) => s.gateway);
  const shards = useShardsStore((s) => s.shards[catalogName]);
  const error = useShardsStore((s) => s.error);
  if (specType === 'test') return null;
  // A collection's shards are its derivation's: none means a plain collection, which has no status to show.
  if (specType === 'collection' && !shards?.length) return null;
  const summary = summarizeShards(gateway, shards);
  const look = LOOK[summary.kind];
  return (
    <span
      className={`pill tone-${look.tone}`}
      data-testid="shard-status"
      data-kind={summary.kind}
      title={details(summary, error)}
    >
      <span className="state-label">
        {summary.kind === 'pending' ? summary.code.toLowerCase() : look.label}
      </span>
    </span>
  );
}
