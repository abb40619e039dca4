// Decision 0163: what a user's reducer returns is checked against its key's schema after a step's
// merge; a value the schema refuses fails the step with the writers' NodeError, nothing of it committed.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import {
	type Checkpointer,
	MemoryCheckpointer,
	NodeError,
	reducer,
	Send,
	START,
	StateGraph,
	ValidationError,
} from "@weft/graph";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";

async function caught(p: Promise<unknown>): Promise<unknown> {
	return p.then(
		() => undefined,
		(e: unknown) => e,
	);
}

/** `tags` whose reducer returns a number while `broken.on`: a value no `string[]` can be (no throw). */
function tagsGraph(cp: Checkpointer, broken: { on: boolean }) {
	const S = z.object({
		tags: reducer(
			z.array(z.string()),
			(a, b) => (broken.on ? (7 as unknown as string[]) : [...a, ...b]),
			() => [],
		),
		n: z.number(),
	});
	return new StateGraph(S)
		.addNode("first", () => ({ tags: ["first"] }))
		.addNode("left", () => ({ tags: ["left"], n: 1 }))
		.addNode("right", () => ({ tags: ["right"] }))
		.addEdge(START, "first")
		.addEdge("first", "left")
		.addEdge("first", "right")
		.compile({ checkpointer: cp, interruptAfter: ["first"] });
}

function expectReducerError(error: unknown, nodes: string[]): void {
	expect(error).toBeInstanceOf(NodeError);
	expect(error).toMatchObject({ code: "NODE_FAILED" });
	// `node` is the first writer in the step's (deterministic) order of writes
	expect(nodes).toContain((error as NodeError).node);
	const message = (error as Error).message;
	expect(message).toContain('the reducer of "tags"');
	for (const node of nodes) expect(message).toContain(`"${node}"`);
	expect((error as NodeError).hint).toContain('fix the reducer of "tags"');
	const cause = (error as Error).cause;
	expect(cause).toBeInstanceOf(ValidationError);
	expect((cause as ValidationError).issues[0]).toMatchObject({
		code: "invalid_type",
		path: ["tags"],
	});
}

describe("a reducer's output", () => {
	it("that its schema refuses fails the step, naming the key and every node whose writes it merged; the head stays, a re-run after the fix goes on", async () => {
		const cp = new MemoryCheckpointer();
		const broken = { on: false };
		const graph = tagsGraph(cp, broken);
		await graph.invoke({ n: 0 }, { threadId: "t" });
		const before = await graph.getState({ threadId: "t" });
		expect(before.values).toEqual({ tags: ["first"], n: 0 });
		broken.on = true;
		const error = await caught(graph.invoke(null, { threadId: "t" }));
		expectReducerError(error, ["left", "right"]);
		expect((error as Error).message).toMatch(
			/merging the updates of nodes "(left", "right|right", "left)"/,
		);
		// nothing of the step committed: the paused checkpoint is still the head, with its state
		const after = await graph.getState({ threadId: "t" });
		expect(after.checkpointId).toBe(before.checkpointId);
		expect(after.next).toEqual(["left", "right"]);
		expect((await cp.listThreads())[0]?.status).toBe("failed");
		broken.on = false;
		// (read with the broken reducer, the replay gave its value: replays do not check, see below)
		expect((await graph.getState({ threadId: "t" })).values).toEqual({
			tags: ["first"],
			n: 0,
		});
		expect(await graph.invoke(null, { threadId: "t" })).toEqual({
			tags: ["first", "left", "right"],
			n: 1,
		});
	});

	it("undefined for a required key, or from a reducer with its own update schema, is refused the same way", async () => {
		const S = z.object({
			total: reducer(
				z.number(),
				(a, b) => (b < 0 ? (undefined as unknown as number) : a + b),
				() => 0,
			),
			seen: reducer(
				z.array(z.string()),
				(a, b: string) =>
					b === "bad" ? [...a, 7 as unknown as string] : [...a, b],
				() => [],
				{ update: z.string() },
			),
		});
		const graph = new StateGraph(S)
			.addNode("add", (s) => ({ total: s.total === 0 ? -1 : 1 }))
			.addEdge(START, "add")
			.compile();
		const error = await caught(graph.invoke({}));
		expect(error).toMatchObject({ code: "NODE_FAILED", node: "add" });
		expect((error as Error).message).toContain(
			'the reducer of "total" failed merging the update of node "add"',
		);
		expect(((error as Error).cause as ValidationError).issues[0]?.path).toEqual(
			["total"],
		);
		const input = await caught(
			new StateGraph(S)
				.addNode("see", () => ({}))
				.addEdge(START, "see")
				.compile()
				.invoke({ seen: "bad" }),
		);
		expect(input).toMatchObject({ code: "NODE_FAILED", node: "__input__" });
		expect((input as Error).message).toContain(
			`the reducer of "seen" failed merging the run's input`,
		);
		expect(((input as Error).cause as ValidationError).issues[0]?.path).toEqual(
			["seen", 0],
		);
	});

	it("a state update whose merge the schema refuses is refused, the thread's head unchanged", async () => {
		const cp = new MemoryCheckpointer();
		const broken = { on: false };
		const graph = tagsGraph(cp, broken);
		await graph.invoke({ n: 0 }, { threadId: "t" });
		const head = (await cp.getTuple({ threadId: "t" }))!.checkpoint;
		broken.on = true;
		const error = await caught(
			graph.updateState({ threadId: "t" }, { tags: ["x"] }),
		);
		expect(error).toMatchObject({ code: "NODE_FAILED", node: "__update__" });
		expect((error as Error).message).toContain("merging a state update");
		expect(
			(await cp.getTuple({ threadId: "t" }))!.checkpoint.checkpointId,
		).toBe(head.checkpointId);
	});

	it("is checked once a step, for the keys a user's reducer merged in it (not once a write, not the others)", async () => {
		let checks = 0;
		const counted = z.array(z.string()).refine(() => {
			checks++;
			return true;
		});
		const S = z.object({
			list: reducer(
				counted,
				(a, b: string) => [...a, b],
				() => [],
				{
					update: z.string(),
				},
			),
			other: z.string().optional(),
		});
		const graph = new StateGraph(S)
			.addNode("fan", () => ({ other: "x" }))
			.addNode("each", () => ({ list: "x" }))
			.addEdge(START, "fan")
			.addConditionalEdges("fan", () =>
				[1, 2, 3].map(() => new Send("each", {})),
			)
			.compile();
		checks = 0; // compile() checked the reducer's init once
		// the input's step and "fan"'s write no `list`; the Send step merges three writes of it
		expect(await graph.invoke({ other: "o" })).toEqual({
			list: ["x", "x", "x"],
			other: "x",
		});
		expect(checks).toBe(1);
	});

	it("of a thread stored before the check still reads: replays do not re-check reducer output", async () => {
		const cp = new MemoryCheckpointer();
		const S = (fn: (a: number, b: number) => number) =>
			z.object({ n: reducer(z.number(), fn, () => 0) });
		await new StateGraph(S((a, b) => a + b))
			.addNode("one", () => ({ n: 1 }))
			.addEdge(START, "one")
			.compile({ checkpointer: cp })
			.invoke({ n: 1 }, { threadId: "t" });
		// the same writes through a reducer that breaks the schema (as one could store them before 0163)
		const old = new StateGraph(S(() => Number.NaN as unknown as number))
			.addNode("one", () => ({ n: 1 }))
			.addEdge(START, "one")
			.compile({ checkpointer: cp });
		const state = await old.getState({ threadId: "t" });
		expect(state.values).toEqual({ n: Number.NaN });
	});
});

const dir = mkdtempSync(join(tmpdir(), "weft-reducer-output-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a reducer's output on SQLite", () => {
	it("that its schema refuses leaves the thread's head in the file as it was; a new process with the fix goes on", async () => {
		const path = join(dir, "t.db");
		const broken = { on: false };
		const cp = new SqliteCheckpointer({ path });
		await tagsGraph(cp, broken).invoke({ n: 0 }, { threadId: "t" });
		const head = (await cp.getTuple({ threadId: "t" }))!.checkpoint;
		const count = async (store: Checkpointer) => {
			let n = 0;
			for await (const _ of store.list({ threadId: "t" })) n++;
			return n;
		};
		const stored = await count(cp);
		broken.on = true;
		const error = await caught(
			tagsGraph(cp, broken).invoke(null, { threadId: "t" }),
		);
		expectReducerError(error, ["left", "right"]);
		await cp.close();
		// read back from the file by another checkpointer: no checkpoint of the failed step
		const reopened = new SqliteCheckpointer({ path });
		const after = (await reopened.getTuple({ threadId: "t" }))!.checkpoint;
		expect(after.checkpointId).toBe(head.checkpointId);
		expect(await count(reopened)).toBe(stored);
		expect((await reopened.listThreads())[0]?.status).toBe("failed");
		broken.on = false;
		const fixed = tagsGraph(reopened, broken);
		expect(await fixed.invoke(null, { threadId: "t" })).toEqual({
			tags: ["first", "left", "right"],
			n: 1,
		});
		await reopened.close();
	});
});
