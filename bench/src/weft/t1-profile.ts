// Profiles L1's agent in one of T1's modes for `node --cpu-prof`: where the time goes.
//   T1_MODE=on|context|off node --conditions @weft/source --cpu-prof --cpu-prof-dir /tmp/prof --import tsx bench/src/weft/t1-profile.ts [runs]
// "on" (the default): the SDK registered as T1's "on" mode has it; "context": only the context manager,
// with a context active around each run; "off": nothing registered. Compare two modes' profiles by file
// (`t1-profile-diff.ts`) to see what telemetry adds.
import { HumanMessage } from "@langchain/core/messages";
import { context, metrics, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
	BasicTracerProvider,
	BatchSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent } from "@weft/graph/llm";
import { lookup, ScriptedAgentModel } from "../llm/scripted-agent-model.ts";

class Reader extends MetricReader {
	protected override async onShutdown(): Promise<void> {}
	protected override async onForceFlush(): Promise<void> {}
}
const tracer = new BasicTracerProvider({
	spanProcessors: [
		new BatchSpanProcessor({
			export: (_s, done) => done({ code: 0 }),
			shutdown: async () => {},
		}),
	],
});
const meter = new MeterProvider({ readers: [new Reader()] });
// T1_OFF=1 (older spelling) is T1_MODE=off
const mode = process.env.T1_OFF === "1" ? "off" : (process.env.T1_MODE ?? "on");
if (mode !== "off")
	context.setGlobalContextManager(
		new AsyncLocalStorageContextManager().enable(),
	);
if (mode === "on") {
	trace.setGlobalTracerProvider(tracer);
	metrics.setGlobalMeterProvider(meter);
}
const agent = createAgent({
	model: new ScriptedAgentModel(10),
	tools: [lookup],
	checkpointer: new MemoryCheckpointer(),
});
const REQUEST = Symbol("t1.request");
const runs = Number(process.argv[2] ?? 200);
const c0 = process.cpuUsage();
for (let i = 0; i < runs; i++) {
	const invoke = () =>
		agent.invoke(
			{ messages: [new HumanMessage("look up every step")] },
			{ threadId: `p-${i}`, recursionLimit: 200 },
		);
	if (mode === "off") await invoke();
	else await context.with(context.active().setValue(REQUEST, true), invoke);
}
const c = process.cpuUsage(c0);
process.stderr.write(
	`${mode}: ${(((c.user + c.system) / runs / 11) | 0).toString()} µs CPU per model call\n`,
);
await tracer.shutdown();
await meter.shutdown();
