// Profiles L1's agent with telemetry on (T1's "on" mode) for `node --cpu-prof`: where the time goes.
//   node --conditions @weft/source --cpu-prof --cpu-prof-dir /tmp/prof --import tsx bench/src/weft/t1-profile.ts [runs]
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
// T1_OFF=1: the same with nothing registered, to compare the profiles
if (process.env.T1_OFF !== "1") {
	context.setGlobalContextManager(
		new AsyncLocalStorageContextManager().enable(),
	);
	trace.setGlobalTracerProvider(tracer);
	metrics.setGlobalMeterProvider(meter);
}
const agent = createAgent({
	model: new ScriptedAgentModel(10),
	tools: [lookup],
	checkpointer: new MemoryCheckpointer(),
});
const runs = Number(process.argv[2] ?? 200);
for (let i = 0; i < runs; i++)
	await agent.invoke(
		{ messages: [new HumanMessage("look up every step")] },
		{ threadId: `p-${i}`, recursionLimit: 200 },
	);
await tracer.shutdown();
await meter.shutdown();
