// API.md "Unreadable stored data throws CORRUPT_CHECKPOINT naming the thread and checkpoint", through
// every way a user reads or goes on with a thread, on a real SQLite file and Postgres.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import type { Corruption } from "@weft/checkpoint/conformance";
import { Command, human, isWeftError, START, StateGraph } from "@weft/graph";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { corrupter } from "../../checkpoint-postgres/test/corrupt.ts";
import {
	corruptSqlite,
	storedBlob,
} from "../../checkpoint-sqlite/test/corrupt-rows.ts";
import { type Store, stores } from "./durable/stores.ts";

const review = human("review", {
	request: z.object({ draft: z.string() }),
	response: z.object({ action: z.enum(["approve", "reject"]) }),
});

const graphOn = (checkpointer: Checkpointer) =>
	new StateGraph(
		z.object({ draft: z.string(), verdict: z.string().default("") }),
	)
		.addNode("write", (s) => ({ draft: `${s.draft}!` }))
		.addNode("review", async (s, ctx) => ({
			verdict: (await review.ask(ctx, { draft: s.draft })).action,
		}))
		.addEdge(START, "write")
		.addEdge("write", "review")
		.compile({ checkpointer });

type Graph = ReturnType<typeof graphOn>;

const READS: Record<string, (g: Graph, threadId: string) => Promise<unknown>> =
	{
		getState: (g, threadId) => g.getState({ threadId }),
		getStateHistory: async (g, threadId) => {
			for await (const _ of g.getStateHistory({ threadId })) {
				// every checkpoint's state
			}
		},
		resume: (g, threadId) =>
			g.run(new Command({ resume: { action: "approve" } }), { threadId }),
		continue: (g, threadId) => g.run(null, { threadId }),
		updateState: (g, threadId) => g.updateState({ threadId }, { verdict: "x" }),
	};

const DAMAGE: Record<string, (at: Corruption["at"]) => Corruption> = {
	"the head's data": (at) => ({
		kind: "blob",
		at,
		bytes: new Uint8Array([0x6a, 0x7b, 0x7b, 0x01]),
	}),
	"the head's pending interrupt": (at) => ({
		kind: "write",
		at,
		index: 0,
		bytes: new TextEncoder().encode("not a blob"),
	}),
};

describe.each(await stores())(
	"API.md: CORRUPT_CHECKPOINT names the thread and checkpoint ($name)",
	(store: Store) => {
		const cleanups: Array<() => Promise<void>> = [];
		afterEach(async () => {
			for (const c of cleanups.splice(0)) await c();
		});

		it.each(Object.keys(DAMAGE))("%s, through every read", async (damage) => {
			const location = await store.create(
				mkdtempSync(join(tmpdir(), "weft-corrupt-")),
			);
			const cp = await store.open(location);
			cleanups.push(async () => {
				await (cp as { close?: () => Promise<void> }).close?.();
				await store.drop(location);
			});
			const corrupt = (c: Corruption) =>
				store.name === "sqlite"
					? Promise.resolve(corruptSqlite(location, c))
					: corrupter(location.split("#")[1]!)(c);
			const graph = graphOn(cp);
			for (const [name, read] of Object.entries(READS)) {
				const threadId = `${name}-thread`;
				const paused = await graph.run({ draft: "d" }, { threadId });
				const checkpointId = paused.checkpointId!;
				expect(
					await corrupt(DAMAGE[damage]!({ threadId, ns: "", checkpointId })),
				).toBe(true);
				const error = await read(graph, threadId).then(
					() => undefined,
					(e: unknown) => e,
				);
				expect(isWeftError(error, "CORRUPT_CHECKPOINT"), name).toBe(true);
				expect((error as Error).message, name).toContain(threadId);
				expect((error as Error).message, name).toContain(checkpointId);
			}
		});
	},
);

describe("API.md: CORRUPT_CHECKPOINT on an encrypted store (sqlite)", () => {
	it("a changed byte of an encrypted blob is corrupt data, naming the thread and checkpoint; a wrong key is not", async () => {
		const { SqliteCheckpointer } = await import("@weft/checkpoint-sqlite");
		const { createSerializer } = await import("@weft/checkpoint");
		const path = join(mkdtempSync(join(tmpdir(), "weft-corrupt-")), "weft.db");
		const encryptionKey = "ab".repeat(32);
		const open = (key: string) =>
			new SqliteCheckpointer({
				path,
				serializer: createSerializer({ encryptionKey: key }),
			});
		const cp = open(encryptionKey);
		const graph = graphOn(cp);
		const threadId = "encrypted";
		const paused = await graph.run({ draft: "d" }, { threadId });
		const checkpointId = paused.checkpointId!;
		const before = (await graph.getState({ threadId })).values;

		const wrongKey = open("cd".repeat(32));
		const refused = await graphOn(wrongKey)
			.getState({ threadId })
			.catch((e: unknown) => e);
		expect(isWeftError(refused, "DECRYPTION_FAILED")).toBe(true);
		await wrongKey.close();

		const at = { threadId, ns: "", checkpointId };
		const data = storedBlob(path, at);
		const changed = Buffer.from(data);
		changed[changed.length - 1]! ^= 1;
		expect(corruptSqlite(path, { kind: "blob", at, bytes: changed })).toBe(
			true,
		);
		for (const [name, read] of Object.entries(READS)) {
			const error = await read(graph, threadId).then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(isWeftError(error, "CORRUPT_CHECKPOINT"), name).toBe(true);
			expect((error as Error).message, name).toContain(`"${threadId}"`);
			expect((error as Error).message, name).toContain(checkpointId);
		}
		// put back, it reads as before: nothing else was changed by the failed reads
		expect(corruptSqlite(path, { kind: "blob", at, bytes: data })).toBe(true);
		expect((await graph.getState({ threadId })).values).toEqual(before);
		await cp.close();
	});
});
