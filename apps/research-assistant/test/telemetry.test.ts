// The span tree of a research assistant run (offline model), with the OpenTelemetry SDK's in-memory exporter.
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
	BasicTracerProvider,
	InMemorySpanExporter,
	type ReadableSpan,
	SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { MemoryCheckpointer } from "@weft/graph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResearchAssistant } from "../src/graph.ts";
import { modelsFromEnv } from "../src/models.ts";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
	spanProcessors: [new SimpleSpanProcessor(exporter)],
});
beforeAll(() => {
	context.setGlobalContextManager(
		new AsyncLocalStorageContextManager().enable(),
	);
	trace.setGlobalTracerProvider(provider);
});
afterAll(async () => {
	await provider.shutdown();
	trace.disable();
	context.disable();
});

const idOf = (s: ReadableSpan) => s.spanContext().spanId;

describe("telemetry of a research assistant run", () => {
	it("nests steps, node tasks and the research subgraph runs in one trace, and marks the review pause", async () => {
		const models = await modelsFromEnv({}, {});
		const graph = createResearchAssistant({
			...models,
			checkpointer: new MemoryCheckpointer(),
		});
		const r = await graph.run(
			{
				question:
					"What did presidents propose about education and schools, and why?",
				docs: "",
				outDir: "reports",
			},
			{ threadId: "ra-otel", recursionLimit: 60 },
		);
		expect(r.status).toBe("interrupted");
		const spans = exporter.getFinishedSpans();
		const byId = new Map(spans.map((s) => [idOf(s), s]));
		const parent = (s: ReadableSpan) =>
			byId.get(s.parentSpanContext?.spanId ?? "");

		const grandparent = (s: ReadableSpan) => {
			const p = parent(s);
			return p === undefined ? undefined : parent(p);
		};
		const roots = spans.filter((s) => parent(s) === undefined);
		expect(roots.map((s) => s.name)).toEqual(["weft.run research-assistant"]);
		const root = roots[0]!;
		expect(root.attributes).toMatchObject({
			"weft.thread_id": "ra-otel",
			"weft.run.status": "interrupted",
			"weft.interrupts": 1,
		});
		expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);

		const steps = spans.filter(
			(s) => s.name === "weft.step" && parent(s) === root,
		);
		expect(steps.length).toBe(r.steps);
		const rootNodes = spans.filter(
			(s) => s.name.startsWith("weft.node ") && grandparent(s) === root,
		);
		const names = new Set(rootNodes.map((s) => s.name));
		for (const n of ["plan", "research", "analyze", "write", "review"])
			expect(names).toContain(`weft.node ${n}`);
		const review = rootNodes.find((s) => s.name === "weft.node review")!;
		expect(review.attributes["weft.interrupt"]).toBe(true);

		// each research task (a Send) runs the research subgraph: its run nests under the task's node span
		const subRuns = spans.filter((s) => s.name === "weft.run research");
		expect(subRuns.length).toBeGreaterThan(0);
		for (const sub of subRuns) {
			expect(parent(sub)!.name).toBe("weft.node research");
			expect(sub.attributes["weft.ns"]).toBe("research");
		}
		const subNodes = spans.filter(
			(s) => grandparent(s)?.name === "weft.run research",
		);
		expect(new Set(subNodes.map((s) => s.name))).toEqual(
			new Set(["weft.node search", "weft.node summarize"]),
		);
	});
});
