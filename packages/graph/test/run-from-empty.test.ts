import {
	Command,
	END,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

const build = () =>
	new StateGraph(S)
		.addNode("echo", (s) => ({ log: [`echo ${s.log.length}`] }))
		.addEdge(START, "echo")
		.addEdge("echo", END)
		.compile({ checkpointer: new MemoryCheckpointer() });

describe("a run with checkpointId: null starts from the empty state", () => {
	it("as a new root beside the thread's branches, which stay as they were", async () => {
		const graph = build();
		await graph.invoke({ log: ["first"] }, { threadId: "t" });
		const old = await graph.getState({ threadId: "t" });
		const values = await graph.invoke(
			{ log: ["again"] },
			{ threadId: "t", checkpointId: null },
		);
		expect(values.log).toEqual(["again", "echo 1"]);
		const now = await graph.getState({ threadId: "t" });
		expect(now.values.log).toEqual(["again", "echo 1"]);
		const heads = (await graph.getThread({ threadId: "t" }))!.heads;
		expect(heads).toEqual([now.checkpointId, old.checkpointId]);
		// the new branch's first checkpoint is a root
		const history = [];
		for await (const s of graph.getStateHistory({ threadId: "t" }))
			history.push(s);
		expect(history.filter((s) => s.parentCheckpointId === null)).toHaveLength(
			2,
		);
		expect(
			(await graph.getState({ threadId: "t", checkpointId: old.checkpointId }))
				.values.log,
		).toEqual(["first", "echo 1"]);
	});

	it("has nothing to continue or resume from", async () => {
		const graph = build();
		await graph.invoke({ log: ["first"] }, { threadId: "t" });
		await expect(
			graph.invoke(null, { threadId: "t", checkpointId: null }),
		).rejects.toMatchObject({ code: "CONFIG_INVALID" });
	});

	it("without input is refused before anything is written, saying input is needed", async () => {
		const graph = build();
		await graph.invoke({ log: ["first"] }, { threadId: "t" });
		const before = await graph.getThread({ threadId: "t" });
		for (const input of [null, new Command({ resume: "yes" })]) {
			for (const threadId of ["t", "never"]) {
				const error = await graph
					.run(input, { threadId, checkpointId: null })
					.catch((e: unknown) => e);
				expect(error).toMatchObject({ code: "CONFIG_INVALID" });
				expect((error as Error).message).toContain("checkpointId: null");
				expect((error as { hint: string }).hint).toContain("input");
			}
		}
		// a thread that never ran is not left behind (it read as stale), the other is as it was
		expect(await graph.getThread({ threadId: "never" })).toBeUndefined();
		expect(await graph.getThread({ threadId: "t" })).toEqual(before);
	});
});
