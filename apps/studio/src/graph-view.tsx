import dagre from "@dagrejs/dagre";
import { useQuery } from "@tanstack/react-query";
import {
	Background,
	type Edge,
	MarkerType,
	type Node,
	ReactFlow,
} from "@xyflow/react";
import { useMemo } from "react";
import { api, type GraphShape } from "./api.ts";
import { ErrorNote } from "./error-note.tsx";

const W = 150;
const H = 40;

/** Positions by dagre (top to bottom); React Flow draws them. */
function layout(shape: GraphShape, ran: string[], next: string[]) {
	const g = new dagre.graphlib.Graph();
	g.setGraph({ rankdir: "TB", nodesep: 30, ranksep: 45 });
	g.setDefaultEdgeLabel(() => ({}));
	for (const n of shape.nodes) g.setNode(n.id, { width: W, height: H });
	for (const e of shape.edges) g.setEdge(e.source, e.target);
	dagre.layout(g);
	const nodes: Node[] = shape.nodes.map((n) => {
		const p = g.node(n.id);
		const cls = ran.includes(n.id) ? "ran" : next.includes(n.id) ? "next" : "";
		return {
			id: n.id,
			position: { x: p.x - W / 2, y: p.y - H / 2 },
			data: { label: n.id },
			className: `graph-node ${cls}`,
			style: { width: W },
			draggable: false,
		};
	});
	const edges: Edge[] = shape.edges.map((e, i) => ({
		id: `${e.source}-${e.target}-${i}`,
		source: e.source,
		target: e.target,
		animated: e.conditional,
		style: e.conditional ? { strokeDasharray: "5 4" } : {},
		markerEnd: { type: MarkerType.ArrowClosed },
	}));
	return { nodes, edges };
}

/** The graph from `/assistants/:id/graph`, with the nodes that ran in the step (and the ones due next) marked. */
export function GraphView({
	graphId,
	ran,
	next,
}: {
	graphId: string;
	ran: string[];
	next: string[];
}) {
	const shape = useQuery({
		queryKey: ["graph", graphId],
		queryFn: () => api.graph(graphId),
	});
	const drawn = useMemo(
		() =>
			shape.data === undefined ? undefined : layout(shape.data, ran, next),
		[shape.data, ran, next],
	);
	if (shape.error) return <ErrorNote error={shape.error} />;
	if (drawn === undefined) return <p>loading graph…</p>;
	return (
		<section className="graph" aria-label="graph">
			<ReactFlow
				nodes={drawn.nodes}
				edges={drawn.edges}
				fitView
				nodesConnectable={false}
				proOptions={{ hideAttribution: true }}
			>
				<Background />
			</ReactFlow>
		</section>
	);
}
