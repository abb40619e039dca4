import {
	type CallOptions,
	configureTelemetry,
	type NodeContext,
	type RunConfig,
	readStepTiming,
	type StepTiming,
	telemetrySettings,
} from "@weft/graph";
import { expectTypeOf, it } from "vitest";

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
