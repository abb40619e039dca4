import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer, SqliteStore } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { review } from "./fixtures/graphs.ts";

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
let checkpointer: SqliteCheckpointer;
let store: SqliteStore;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-bad-options-"));
	const path = join(dir, "weft.db");
	checkpointer = new SqliteCheckpointer({ path });
	store = new SqliteStore({ path });
	server = await serve({ graphs: { review }, checkpointer, store, port: 0 });
	client = new Client({
		apiUrl: `http://127.0.0.1:${server.port}`,
		callerOptions: { maxRetries: 0 },
	});
});
afterAll(async () => {
	await server.close();
	await store.close();
	checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

/** The error body an SDK call was refused with. */
async function refusal(call: Promise<unknown>): Promise<any> {
	const error: any = await call.then(
		() => expect.fail("the call was not refused"),
		(e) => e,
	);
	expect(error.status).toBe(422);
	return JSON.parse(error.message.replace(/^HTTP \d+: /, ""));
}

describe("options a LangGraph client may get wrong are refused by name", () => {
	it("a stream mode Weft does not know names the modes it does, and starts no run", async () => {
		const thread = await client.threads.create();
		for (const streamMode of ["value", ["values", "message-tuple"]]) {
			const body = await refusal(
				(async () => {
					for await (const _ of client.runs.stream(thread.thread_id, "review", {
						input: { topic: "tea" },
						streamMode: streamMode as never,
					}));
				})(),
			);
			expect(body.code).toBe("VALIDATION_FAILED");
			expect(body.detail).toContain("stream_mode");
			expect(body.detail).toContain(
				Array.isArray(streamMode) ? '"message-tuple"' : '"value"',
			);
			expect(body.detail).toContain('"messages-tuple"');
		}
		expect(await client.runs.list(thread.thread_id)).toEqual([]);
		expect((await client.threads.get(thread.thread_id)).values).toBeNull();
	});

	it("a command.update the state refuses is 422 before any run, as bad input is; the thread stays paused", async () => {
		const thread = await client.threads.create();
		await client.runs.wait(thread.thread_id, "review", {
			input: { topic: "tea" },
		});
		const before = await client.threads.get(thread.thread_id);
		expect(before.status).toBe("interrupted");
		for (const update of [{ nope: 1 }, { topic: 5 }]) {
			const body = await refusal(
				client.runs.create(thread.thread_id, "review", {
					command: { resume: "yes", update },
				}),
			);
			expect(body.code).toBe("VALIDATION_FAILED");
			expect(body.detail).toContain("command.update");
			expect(body.detail).toContain(Object.keys(update)[0]);
		}
		expect((await client.runs.list(thread.thread_id)).length).toBe(1);
		const after = await client.threads.get(thread.thread_id);
		expect(after.status).toBe("interrupted");
		expect(after.values).toEqual(before.values);
		// the pending question still takes its answer
		const done = (await client.runs.wait(thread.thread_id, "review", {
			command: { resume: "yes" },
		})) as any;
		expect(done.approved).toBe(true);
	});

	it("store filters: LangGraph's comparisons match; an unknown operator is refused by name", async () => {
		await client.store.putItem(["prefs"], "a", { theme: "dark", n: 1 });
		await client.store.putItem(["prefs"], "b", { theme: "light", n: 2 });
		await client.store.putItem(["prefs"], "c", { theme: "dark", n: 3 });
		const keys = async (filter: Record<string, unknown>) =>
			(await client.store.searchItems(["prefs"], { filter })).items
				.map((i) => i.key)
				.sort();
		expect(await keys({ theme: { $eq: "dark" } })).toEqual(["a", "c"]);
		expect(await keys({ n: { $gt: 1 } })).toEqual(["b", "c"]);
		expect(
			await keys({ n: { $gte: 1, $lt: 3 }, theme: { $ne: "light" } }),
		).toEqual(["a"]);
		expect(await keys({ theme: { $lte: "dark" } })).toEqual(["a", "c"]);
		// a field named "__proto__" is a field like any other (a record schema would drop it: every item)
		await client.store.putItem(["prefs"], "p", JSON.parse('{"__proto__": 7}'));
		expect(await keys(JSON.parse('{"__proto__": 7}'))).toEqual(["p"]);
		expect(await keys(JSON.parse('{"__proto__": {"$gt": 7}}'))).toEqual([]);
		const body = await refusal(
			client.store.searchItems(["prefs"], { filter: { n: { $in: [1, 2] } } }),
		);
		expect(body.code).toBe("VALIDATION_FAILED");
		expect(body.detail).toContain('"n"');
		expect(body.detail).toContain('"$in"');
		expect(body.hint).toContain("$gte");
		// nothing changed
		expect((await client.store.getItem(["prefs"], "b"))?.value).toEqual({
			theme: "light",
			n: 2,
		});
	});

	// found from outside: a subgraph's namespace was ignored, and the root graph's state and history answered
	it("a checkpoint_ns of a subgraph is refused on state, history, update and run, not read as the root's", async () => {
		const thread = await client.threads.create();
		await client.runs.wait(thread.thread_id, "review", {
			input: { topic: "tea" },
		});
		const state = await client.threads.getState(thread.thread_id);
		const checkpoint = {
			checkpoint_id: state.checkpoint.checkpoint_id!,
			checkpoint_ns: "inner",
		};
		const refusals = [
			client.threads.getState(thread.thread_id, checkpoint as never),
			client.threads.getHistory(thread.thread_id, {
				checkpoint: checkpoint as never,
			}),
			client.threads.updateState(thread.thread_id, {
				values: { topic: "coffee" },
				checkpoint: checkpoint as never,
			}),
			client.runs.create(thread.thread_id, "review", {
				command: { resume: "yes" },
				checkpoint: checkpoint as never,
			}),
		];
		for (const call of refusals) {
			const body = await refusal(call);
			expect(body.code).toBe("VALIDATION_FAILED");
			expect(body.detail).toContain("checkpoint_ns");
		}
		// the root graph's namespace, as LangGraph's checkpoints name it, is read as before
		const root = await client.threads.getState(thread.thread_id, {
			...checkpoint,
			checkpoint_ns: "",
		} as never);
		expect(root.checkpoint.checkpoint_id).toBe(checkpoint.checkpoint_id);
		expect(
			await client.threads.getHistory(thread.thread_id, {
				checkpoint: { ...checkpoint, checkpoint_ns: "" } as never,
			}),
		).toHaveLength((await client.threads.getHistory(thread.thread_id)).length);
		// nothing ran or changed
		expect(await client.runs.list(thread.thread_id)).toHaveLength(1);
		expect((await client.threads.getState(thread.thread_id)).values).toEqual(
			state.values,
		);
	});
});
