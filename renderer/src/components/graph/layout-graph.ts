import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';

/** A node to lay out: its id and the label that sets its width. */
export interface GraphNodeInput {
  readonly id: string;
  readonly label: string;
}

/** A directed edge between two node ids. */
export interface GraphEdgeInput {
  readonly source: string;
  readonly target: string;
}

/** A laid-out node: its box, top-left corner first. */
export interface PlacedNode {
  readonly id: string;
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A laid-out edge: the polyline dagre routed from source to target. */
export interface PlacedEdge {
  readonly source: string;
  readonly target: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** The whole drawing, sized to hold every node and edge. */
export interface GraphLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

export const NODE_HEIGHT = 36;
const CHAR_WIDTH = 7.2;
const NODE_PADDING = 28;
export const MIN_NODE_WIDTH = 120;
export const MAX_NODE_WIDTH = 320;
const MARGIN = 16;

/** The width a label needs in the node font, within the node width bounds (longer labels are cut). */
export function nodeWidth(label: string): number {
  return Math.round(
    Math.min(MAX_NODE_WIDTH, Math.max(MIN_NODE_WIDTH, label.length * CHAR_WIDTH + NODE_PADDING)),
  );
}

/**
 * Lays a directed graph out left to right (data flows that way) with dagre's layered layout. Edges naming
 * unknown nodes are ignored, so a partial neighbourhood still draws.
 */
export function layoutGraph(nodes: readonly GraphNodeInput[], edges: readonly GraphEdgeInput[]): GraphLayout {
  const graph = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>();
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 70, marginx: MARGIN, marginy: MARGIN });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of nodes) graph.setNode(node.id, { width: nodeWidth(node.label), height: NODE_HEIGHT });
  const known = new Set(nodes.map((n) => n.id));
  const kept = edges.filter((e) => known.has(e.source) && known.has(e.target) && e.source !== e.target);
  for (const edge of kept) graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);
  const placed = nodes.map((node): PlacedNode => {
    const label = graph.node(node.id);
    // dagre places each node's centre.
    const x = label.x ?? 0;
    const y = label.y ?? 0;
    return {
      id: node.id,
      label: node.label,
      x: x - label.width / 2,
      y: y - label.height / 2,
      width: label.width,
      height: label.height,
    };
  });
  const routed = kept.map((edge): PlacedEdge => {
    const label = graph.edge(edge.source, edge.target);
    return { source: edge.source, target: edge.target, points: label.points ?? [] };
  });
  const size = graph.graph();
  return {
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    nodes: placed,
    edges: routed,
  };
}
