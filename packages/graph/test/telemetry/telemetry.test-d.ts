import {
	type AgentInfo,
	type CallOptions,
	type CompileOptions,
	configureTelemetry,
	type NodeContext,
	type RunConfig,
	readStepTiming,
	START,
	StateGraph,
	type StepTiming,
	telemetrySettings,
} from "@weft/graph";
import { expectTypeOf, it } from "vitest";
import { z } from "zod";

it("types the telemetry surface", () => {
	expectTypeOf(configureTelemetry).parameter(0).toEqualTypeOf<{
		captureContent?: boolean | undefined;
		recordContent?: boolean | undefined;
	}>();
	expectTypeOf(telemetrySettings().captureContent).toEqualTypeOf<boolean>();
	expectTypeOf(readStepTiming).returns.toEqualTypeOf<StepTiming | undefined>();
	expectTypeOf<NodeContext["callOptions"]>().toEqualTypeOf<CallOptions>();
	expectTypeOf<RunConfig["tags"]>().toEqualTypeOf<
		readonly string[] | undefined
	>();
	// @ts-expect-error captureContent is a boolean
	configureTelemetry({ captureContent: "yes" });
	// @ts-expect-error tags are strings
	const bad: RunConfig = { tags: [1] };
	void bad;
});

it("types the agent identity of a graph (decision 0131)", () => {
	expectTypeOf<CompileOptions["agent"]>().toEqualTypeOf<
		AgentInfo | undefined
	>();
	expectTypeOf<AgentInfo["name"]>().toEqualTypeOf<string | undefined>();
	const g = new StateGraph(z.object({ a: z.string() }))
		.addNode("n", () => ({}))
		.addEdge(START, "n")
		.compile({ agent: { name: "x" } });
	expectTypeOf(g.asAgent({ id: "1" })).toEqualTypeOf<typeof g>();
	expectTypeOf(g.agent).toEqualTypeOf<AgentInfo | undefined>();
	// @ts-expect-error an agent's name is a string
	g.asAgent({ name: 1 });
});
