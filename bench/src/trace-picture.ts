// Draws docs/trace-example.svg: the spans of one agent run (examples' calculator agent on a scripted
// model) as a waterfall, from the OpenTelemetry SDK's in-memory exporter. Run: pnpm tsx --conditions
// @weft/source bench/src/trace-picture.ts
import { writeFileSync } from "node:fs";
import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
	BasicTracerProvider,
	InMemorySpanExporter,
	type ReadableSpan,
	SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { parse, View } from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { z } from "zod";

const exporter = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(
	new BasicTracerProvider({
		spanProcessors: [new SimpleSpanProcessor(exporter)],
	}),
);

const add = tool(
	async ({ a, b }) => {
		await new Promise((r) => setTimeout(r, 15));
		return String(a + b);
	},
	{
		name: "add",
		description: "adds",
		schema: z.object({ a: z.number(), b: z.number() }),
	},
);
const agent = createAgent({
	model: new ScriptedChatModel({
		model: "gpt-4o-mini",
		replies: [
			{ toolCalls: [{ name: "add", args: { a: 2, b: 3 } }], delayMs: 40 },
			{ content: "2 + 3 = 5.", delayMs: 30 },
		],
	}),
	tools: [add],
	checkpointer: new MemoryCheckpointer(),
	name: "calculator",
});
await agent.run(
	{ messages: [new HumanMessage("What is 2 + 3?")] },
	{ threadId: "t1" },
);

const spans = exporter.getFinishedSpans();
const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;
const t0 = Math.min(...spans.map((s) => ms(s.startTime)));
const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
const depth = (s: ReadableSpan): number => {
	const p = byId.get(s.parentSpanContext?.spanId ?? "");
	return p === undefined ? 0 : depth(p) + 1;
};
const rows = [...spans]
	.sort((a, b) => ms(a.startTime) - ms(b.startTime) || depth(a) - depth(b))
	.map((s, i) => ({
		row: `${String(i).padStart(2, "0")} ${"  ".repeat(depth(s))}${s.name}${s.attributes["weft.step"] === undefined || !s.name.startsWith("weft.step") ? "" : ` ${s.attributes["weft.step"]}`}`,
		start: ms(s.startTime) - t0,
		end: ms(s.endTime) - t0,
		kind: s.name.split(" ")[0]!,
	}));
const spec: TopLevelSpec = {
	$schema: "https://vega.github.io/schema/vega-lite/v6.json",
	title:
		"One agent run as a trace (invoke_agent → weft.step → weft.node → chat / execute_tool)",
	background: "white",
	width: 560,
	height: { step: 18 },
	data: { values: rows },
	mark: { type: "bar", cornerRadius: 2 },
	encoding: {
		y: {
			field: "row",
			type: "nominal",
			sort: null,
			title: null,
			axis: { labelFont: "monospace", labelLimit: 320 },
		},
		x: {
			field: "start",
			type: "quantitative",
			title: "ms since the run started",
		},
		x2: { field: "end" },
		color: { field: "kind", type: "nominal", title: "span" },
	},
};
const view = new View(parse(compile(spec).spec), { renderer: "none" });
writeFileSync(
	new URL("../../docs/trace-example.svg", import.meta.url),
	await view.toSVG(),
);
view.finalize();
