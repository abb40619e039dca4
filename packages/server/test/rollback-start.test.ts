import { MemoryCheckpointer } from "@weft/graph";
import { describe, expect, it } from "vitest";
import { rollbackStart } from "../src/rollback.ts";
import { marks } from "./fixtures/rollback-graph.ts";

describe("rollbackStart: where the run that rolls a run back starts", () => {
	it("the newest checkpoint before the run's first, null for a first run, undefined with none", async () => {
		const checkpointer = new MemoryCheckpointer();
		const graph = marks.withCheckpointer(checkpointer);
		const run = (tag: string, runId: string) =>
			graph.invoke({ tag }, { threadId: "t", metadata: { run_id: runId } });
		await run("A", "a");
		expect(await rollbackStart(checkpointer, "t", "a")).toBeNull();
		const end = (await graph.getState({ threadId: "t" })).checkpointId;
		await run("B", "b");
		expect(await rollbackStart(checkpointer, "t", "b")).toBe(end);
		// a run that committed nothing leaves the thread as it was: no start to set
		expect(await rollbackStart(checkpointer, "t", "c")).toBeUndefined();
	});
});
