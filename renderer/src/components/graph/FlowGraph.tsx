import { useMemo } from 'react';

import './graph.css';
import { type GraphEdgeInput, layoutGraph, type PlacedNode } from './layout-graph.js';

/** A node to draw: its label, a class that colours it, whether it is the current one. */
export interface FlowGraphNode {
  readonly id: string;
  readonly label: string;
  /** Extra class of the node's group (e.g. its spec type, for its colour). */
  readonly className?: string;
  /** Shown on hover and read by screen readers (defaults to the label). */
  readonly description?: string;
  readonly current?: boolean;
}

const CHAR_WIDTH = 7.2;
const TEXT_PADDING = 28;

/** The label cut from the start to fit the node ("…/orders/source"): names differ most at their end. */
function fitLabel(node: PlacedNode): string {
  const room = Math.floor((node.width - TEXT_PADDING) / CHAR_WIDTH);
  return node.label.length <= room ? node.label : `…${node.label.slice(node.label.length - room + 1)}`;
}

function pathOf(points: readonly { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

/**
 * A directed graph laid out by dagre and drawn as SVG. Every node is a link: click it, or Tab to it and press
 * Enter, to open it.
 */
export function FlowGraph(props: {
  readonly nodes: readonly FlowGraphNode[];
  readonly edges: readonly GraphEdgeInput[];
  readonly label: string;
  readonly onOpen: (id: string) => void;
}): React.JSX.Element {
  const layout = useMemo(() => layoutGraph(props.nodes, props.edges), [props.nodes, props.edges]);
  const byId = useMemo(() => new Map(props.nodes.map((n) => [n.id, n])), [props.nodes]);
  return (
    <div className="flow-graph" data-testid="flow-graph">
      <svg
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        role="group"
        aria-label={props.label}
      >
        <defs>
          <marker
            id="flow-graph-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" className="graph-arrow" />
          </marker>
        </defs>
        {layout.edges.map((edge) => (
          <path
            key={`${edge.source}>${edge.target}`}
            className="graph-edge"
            d={pathOf(edge.points)}
            markerEnd="url(#flow-graph-arrow)"
            data-testid="graph-edge"
            data-source={byId.get(edge.source)?.label}
            data-target={byId.get(edge.target)?.label}
          />
        ))}
        {layout.nodes.map((node) => {
          const input = byId.get(node.id);
          const description = input?.description ?? node.label;
          return (
            <g
              key={node.id}
              className={`graph-node ${input?.className ?? ''} ${input?.current ? 'current' : ''}`}
              transform={`translate(${node.x},${node.y})`}
              role="link"
              tabIndex={0}
              aria-label={description}
              aria-current={input?.current ? 'page' : undefined}
              data-testid="graph-node"
              data-name={node.label}
              onClick={() => props.onOpen(node.id)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  props.onOpen(node.id);
                }
              }}
            >
              <title>{description}</title>
              <rect width={node.width} height={node.height} rx={6} />
              <text x={node.width / 2} y={node.height / 2} dominantBaseline="central" textAnchor="middle">
                {fitLabel(node)}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
