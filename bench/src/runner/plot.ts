// Plots of the scaling sweeps: Vega-Lite specs compiled to Vega and rendered to SVG in Node.
import { writeFileSync } from "node:fs";
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export interface Point {
	engine: string;
	x: number;
	y: number;
}

export interface Panel {
	title: string;
	x: string;
	y: string;
	points: Point[];
}

const panel = (p: Panel) => ({
	title: p.title,
	width: 300,
	height: 220,
	data: { values: p.points },
	mark: { type: "line" as const, point: true },
	encoding: {
		x: {
			field: "x",
			type: "quantitative" as const,
			title: p.x,
			scale: { type: "log" as const, nice: false },
		},
		y: {
			field: "y",
			type: "quantitative" as const,
			title: p.y,
			scale: { type: "log" as const, nice: false },
		},
		color: { field: "engine", type: "nominal" as const, title: null },
	},
});

/** Writes log-log line charts (one per panel, side by side) to an SVG file. */
export async function plot(
	path: string,
	title: string,
	panels: Panel[],
): Promise<void> {
	const spec: TopLevelSpec = {
		$schema: "https://vega.github.io/schema/vega-lite/v6.json",
		title,
		background: "white",
		hconcat: panels.map(panel),
	};
	const view = new View(parse(compile(spec).spec), { renderer: "none" });
	writeFileSync(path, await view.toSVG());
	view.finalize();
}
