// Sends a Weft run's traces and metrics over OTLP/HTTP with the OpenTelemetry Node SDK.
// Set OTEL_EXPORTER_OTLP_ENDPOINT (Jaeger, Grafana Tempo, an OpenTelemetry Collector; Honeycomb and
// Langfuse also take OTEL_EXPORTER_OTLP_HEADERS with the API key) and run it.
// #region otel-setup
import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { MemoryCheckpointer } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import { z } from "zod";

// the exporters read OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318)
const sdk = new NodeSDK({
	serviceName: "weft-example",
	traceExporter: new OTLPTraceExporter(),
	metricReader: new PeriodicExportingMetricReader({
		exporter: new OTLPMetricExporter(),
	}),
});
sdk.start();
// #endregion otel-setup

const add = tool(async ({ a, b }) => String(a + b), {
	name: "add",
	description: "adds two numbers",
	schema: z.object({ a: z.number(), b: z.number() }),
});

export async function main() {
	// #region otel-run
	const agent = createAgent({
		model: new ScriptedChatModel({
			model: "gpt-4o-mini",
			replies: [
				{ toolCalls: [{ name: "add", args: { a: 2, b: 3 } }] },
				"2 + 3 = 5.",
			],
		}),
		tools: [add],
		checkpointer: new MemoryCheckpointer(),
		name: "calculator",
	});
	const result = await agent.run(
		{ messages: [new HumanMessage("What is 2 + 3?")] },
		{ threadId: "otel-1" },
	);
	// flushes spans and metrics before the process ends; a collector that is down fails the export,
	// not the run (its result is above)
	await sdk.shutdown().catch((error: unknown) => {
		console.warn(`telemetry export failed: ${String(error)}`);
	});
	// #endregion otel-run
	return result;
}
