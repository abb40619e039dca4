// Repeated `configureTelemetry` calls merge: an option a call leaves out keeps the value it had (`weft dev`
// turning recordContent on must not turn off an application's captureContent).
import { HumanMessage } from "@langchain/core/messages";
import {
	configureTelemetry,
	MemoryCheckpointer,
	telemetrySettings,
} from "@weft/graph";
import { createAgent } from "@weft/graph/llm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { addThenAnswer, makeTools } from "../llm/fixtures.ts";
import { startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());
afterEach(() => {
	otel.reset();
	configureTelemetry({ captureContent: false, recordContent: false });
});

describe("configureTelemetry called more than once", () => {
	it("keeps an option a later call leaves out", () => {
		configureTelemetry({ captureContent: true });
		configureTelemetry({ recordContent: true });
		expect(telemetrySettings()).toEqual({
			captureContent: true,
			recordContent: true,
		});
		configureTelemetry({ captureContent: false });
		expect(telemetrySettings()).toEqual({
			captureContent: false,
			recordContent: true,
		});
		configureTelemetry({ recordContent: undefined });
		expect(telemetrySettings()).toEqual({
			captureContent: false,
			recordContent: true,
		});
	});

	it("still captures message contents after `weft dev` turns recordContent on", async () => {
		configureTelemetry({ captureContent: true });
		configureTelemetry({ recordContent: true }); // what `weft dev` does
		const { add } = makeTools();
		const agent = createAgent({
			model: addThenAnswer(),
			tools: [add],
			checkpointer: new MemoryCheckpointer(),
			name: "calc",
		});
		await agent.run(
			{ messages: [new HumanMessage("What is 1 + 2?")] },
			{ threadId: "merge" },
		);
		const chat = otel.spans().find((s) => s.name === "chat gpt-test");
		expect(chat!.attributes["gen_ai.input.messages"]).toContain("1 + 2");
	});
});
