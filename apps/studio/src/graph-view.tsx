import dagre from "@dagrejs/dagre";
import { useQuery } from "@tanstack/react-query";
import {
	Background,
	BaseEdge,
	type Edge,
	type EdgeProps,
	MarkerType,
	type Node,
	ReactFlow,
} from "@xyflow/react";
import { useMemo, useState } from "react";
import { api, type GraphShape } from "./api.ts";
import { ErrorNote } from "./error-note.tsx";

const W = 150;
const H = 40;
type EdgeKind = GraphShape["edges"][number]["kind"];

/** How each kind of edge is drawn (the legend under the graph says the same). */
const EDGE_STYLE: Record<EdgeKind, { stroke: string; dash?: string }> = {
	edge: { stroke: "#555" },
	join: { stroke: "#555" },
	conditional: { stroke: "#1f6fd1", dash: "6 4" },
	ends: { stroke: "#b3261e", dash: "2 4" },
};

/**
 * Positions by dagre (top to bottom, subgraphs as clusters); React Flow draws them. A collapsed
 * subgraph is one node; an expanded one is a box around its own nodes, entered at its start and
 * left at its end.
 */
function layout(
	shape: GraphShape,
	expanded: ReadonlySet<string>,
	ran: string[],
	next: string[],
	toggle: (id: string) => void,
) {
	const byId = new Map(shape.nodes.map((n) => [n.id, n]));
	const shown = shape.nodes.filter(
		(n) => n.parent === null || expanded.has(n.parent),
	);
	const isOpen = (id: string) =>
		byId.get(id)?.subgraph === true && expanded.has(id);
	// an edge to an open subgraph goes to its start, from it leaves its end; a hidden node shows as its subgraph
	const at = (id: string, side: "__start__" | "__end__") => {
		if (isOpen(id)) return `${id}/${side}`;
		const n = byId.get(id);
		return n?.parent != null && !expanded.has(n.parent) ? n.parent : id;
	};
	const edges = new Map<string, GraphShape["edges"][number]>();
	for (const e of shape.edges) {
		const source = at(e.source, "__end__");
		const target = at(e.target, "__start__");
		// a node's edge to itself is drawn; an edge inside a collapsed subgraph is not
		if (source !== target || e.source === e.target)
			edges.set(`${source}->${target}:${e.kind}`, { ...e, source, target });
	}

	const g = new dagre.graphlib.Graph({ compound: true });
	g.setGraph({ rankdir: "TB", nodesep: 30, ranksep: 45 });
	g.setDefaultEdgeLabel(() => ({}));
	for (const n of shown)
		g.setNode(n.id, isOpen(n.id) ? {} : { width: W, height: H });
	for (const n of shown) if (n.parent !== null) g.setParent(n.id, n.parent);
	for (const e of edges.values()) g.setEdge(e.source, e.target);
	dagre.layout(g);

	const nodes: Node[] = shown.map((n) => {
		const p = g.node(n.id);
		const open = isOpen(n.id);
		const w = open ? p.width : W;
		const h = open ? p.height : H;
		const cls = ran.includes(n.id) ? "ran" : next.includes(n.id) ? "next" : "";
		return {
			id: n.id,
			position: { x: p.x - w / 2, y: p.y - h / 2 },
			data: {
				label: n.subgraph ? (
					<button
						type="button"
						className="subgraph-toggle nodrag"
						aria-expanded={open}
						aria-label={`${open ? "collapse" : "expand"} subgraph ${n.name}`}
						onClick={() => toggle(n.id)}
					>
						{open ? "▾" : "▸"} {n.name}
					</button>
				) : (
					n.name.replace(/^__(start|end)__$/, "$1")
				),
			},
			className: `graph-node ${cls} ${n.subgraph ? "subgraph" : ""} ${open ? "open" : ""}`,
			style: open ? { width: w, height: h } : { width: W },
			zIndex: open ? -1 : 0,
			draggable: false,
			selectable: false,
			...(n.subgraph ? {} : { ariaLabel: `node ${n.name}` }),
		};
	});
	const drawn: Edge[] = [...edges.values()].map((e, i) => {
		const look = EDGE_STYLE[e.kind];
		const label =
			e.kind === "join"
				? "all of"
				: e.kind === "ends"
					? "goto"
					: (e.label ?? undefined);
		const loop = e.source === e.target;
		return {
			id: `${e.source}-${e.target}-${i}`,
			source: e.source,
			target: e.target,
			className: `edge-${e.kind}${loop ? " self-loop" : ""}`,
			...(loop ? { type: "self" } : {}),
			...(label === undefined ? {} : { label }),
			style: {
				stroke: look.stroke,
				strokeWidth: e.kind === "join" ? 2.5 : 1.5,
				...(look.dash === undefined ? {} : { strokeDasharray: look.dash }),
			},
			markerEnd: { type: MarkerType.ArrowClosed, color: look.stroke },
		};
	});
	return { nodes, edges: drawn };
}

/**
 * A node's edge back to itself (an agent that routes to itself): a loop out of its bottom, round its
 * right side and into its top (the default edge would run through the node).
 */
function SelfLoopEdge({
	id,
	sourceX,
	sourceY,
	targetX,
	targetY,
	markerEnd,
	style,
	label,
}: EdgeProps) {
	const out = W / 2 + 70;
	const path = `M ${sourceX} ${sourceY} C ${sourceX + out} ${sourceY + 40}, ${targetX + out} ${targetY - 40}, ${targetX} ${targetY}`;
	return (
		<BaseEdge
			id={id}
			path={path}
			{...(markerEnd === undefined ? {} : { markerEnd })}
			{...(style === undefined ? {} : { style })}
			label={label}
			labelX={sourceX + out * 0.75 + 16}
			labelY={(sourceY + targetY) / 2}
		/>
	);
}

const EDGE_TYPES = { self: SelfLoopEdge };

/** The graph from `/studio/api/graphs/:id`, with the nodes that ran in the step (and the ones due next) marked. */
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
	const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
	// laid out again only when what is marked changes, not on every render of the thread
	const ranKey = ran.join("\n");
	const nextKey = next.join("\n");
	// biome-ignore lint/correctness/useExhaustiveDependencies: ran and next are compared by their keys
	const drawn = useMemo(() => {
		const toggle = (id: string) =>
			setExpanded((s) => {
				const out = new Set(s);
				if (!out.delete(id)) out.add(id);
				return out;
			});
		return shape.data === undefined
			? undefined
			: layout(shape.data, expanded, ran, next, toggle);
	}, [shape.data, expanded, ranKey, nextKey]);
	if (shape.error) return <ErrorNote error={shape.error} />;
	if (drawn === undefined) return <p>loading graph…</p>;
	return (
		<section className="graph" aria-label="graph">
			<div className="graph-canvas">
				<ReactFlow
					nodes={drawn.nodes}
					edges={drawn.edges}
					edgeTypes={EDGE_TYPES}
					fitView
					nodesConnectable={false}
					edgesFocusable={false}
					elementsSelectable={false}
					// React Flow lets pointer events through to a node only when it has a click handler
					onNodeClick={() => {}}
					proOptions={{ hideAttribution: true }}
				>
					<Background />
				</ReactFlow>
			</div>
			<ul className="legend" aria-label="legend">
				<li>
					<span className="swatch ran" /> ran in this step
				</li>
				<li>
					<span className="swatch next" /> due next
				</li>
				<li>
					<span className="line edge" /> edge
				</li>
				<li>
					<span className="line conditional" /> conditional
				</li>
				<li>
					<span className="line ends" /> goto (ends)
				</li>
			</ul>
		</section>
	);
}
