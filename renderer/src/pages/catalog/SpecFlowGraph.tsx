import { useMemo } from 'react';

import { FlowGraph, type FlowGraphNode } from '../../components/graph/FlowGraph.js';
import { type FlowNeighbourhood, MAX_GRAPH_EDGES } from '../../stores/catalog-store.js';

const KINDS = ['capture', 'collection', 'materialization', 'test'] as const;

/**
 * A live spec's data-flow neighbourhood: its edges and its neighbours' edges, left to right in the direction
 * data flows. Nodes are coloured by type; the current spec is filled; any node opens its spec.
 */
export function SpecFlowGraph(props: {
  readonly data: FlowNeighbourhood;
  readonly name: string;
  readonly onOpen: (name: string) => void;
}): React.JSX.Element {
  const { data, onOpen } = props;
  const nodes = useMemo(
    (): FlowGraphNode[] =>
      data.nodes.map((n) => ({
        id: n.id,
        label: n.catalog_name,
        description: `${n.catalog_name} (${n.spec_type ?? 'deleted'})${n.id === data.centre ? ', this spec' : ''}`,
        className: `catalog-kind-${n.spec_type ?? 'deleted'}`,
        current: n.id === data.centre,
      })),
    [data],
  );
  const edges = useMemo(() => data.edges.map((e) => ({ source: e.source_id, target: e.target_id })), [data]);
  const names = useMemo(() => new Map(data.nodes.map((n) => [n.id, n.catalog_name])), [data]);
  if (data.edges.length === 0) {
    return (
      <p className="empty-state" data-testid="graph-empty">
        No data flows to or from {props.name}: no capture writes it and no task reads it (or they are not
        visible to you).
      </p>
    );
  }
  return (
    <div className="catalog-spec-flow">
      <p className="muted catalog-graph-legend">
        Data flows left to right. {data.nodes.length} specs, {data.edges.length} flows.{' '}
        {KINDS.map((k) => (
          <span key={k} className={`catalog-type-badge catalog-kind-${k}`}>
            {k}
          </span>
        ))}
      </p>
      {data.truncated && (
        <p className="catalog-warning-line" role="status">
          This neighbourhood has more than {MAX_GRAPH_EDGES} flows: only the first {MAX_GRAPH_EDGES} are
          drawn.
        </p>
      )}
      <FlowGraph
        nodes={nodes}
        edges={edges}
        label={`Data flows around ${props.name}`}
        onOpen={(id) => {
          const name = names.get(id);
          if (name) onOpen(name);
        }}
      />
    </div>
  );
}
