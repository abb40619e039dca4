import { describe, expect, it } from "vitest";
import type { Checkpointer, ListOptions } from "../checkpointer.ts";
import type { ConformanceContext } from "./context.ts";
import { record } from "./fixtures.ts";
import { all, codeOf } from "./helpers.ts";

const BAD_IDS: Array<[string, unknown]> = [
	["empty", ""],
	["a number", 42],
	["null", null],
	["a NUL", "a\0b"],
	["513 characters", "x".repeat(513)],
	["a lone high surrogate", "sur\uD800"],
	["a lone low surrogate at the end", "sur\uDBFF"],
	["a lone low surrogate", "\uDC00x"],
];

/** Every store entry point that takes a thread id, called with `id`. */
function threadCalls(
	cp: Checkpointer,
	id: string,
): Array<[string, () => Promise<unknown>]> {
	return [
		["put", () => cp.put({ ...record(), threadId: id })],
		[
			"putWrites",
			() =>
				cp.putWrites({ threadId: id, checkpointId: "c" }, [
					{ kind: "resume", taskId: "t", index: 0, value: 1 },
				]),
		],
		["getTuple", () => cp.getTuple({ threadId: id })],
		["getChain", () => cp.getChain({ threadId: id, checkpointId: "c" })],
		["list", () => all(cp.list({ threadId: id }))],
		["heads", () => cp.heads({ threadId: id })],
		["setThreadStatus", () => cp.setThreadStatus(id, "done")],
		["getThread", () => cp.getThread(id)],
		["acquireLease", () => cp.acquireLease(id, { owner: "o", ttlMs: 1000 })],
		[
			"renewLease",
			() =>
				cp.renewLease(
					{ threadId: id, token: 1, owner: "o", expiresAt: "" },
					1000,
				),
		],
		[
			"releaseLease",
			() =>
				cp.releaseLease({ threadId: id, token: 1, owner: "o", expiresAt: "" }),
		],
		["deleteThread", () => cp.deleteThread(id)],
		["prune", () => cp.prune(id, { keepLast: 1 })],
	];
}

/** Entry points that take a checkpoint id or namespace, called with `id` there. */
function checkpointCalls(
	cp: Checkpointer,
	id: string,
): Array<[string, () => Promise<unknown>]> {
	return [
		["put (checkpoint id)", () => cp.put({ ...record(), checkpointId: id })],
		["put (parent id)", () => cp.put(record({ parentId: id, step: 1 }))],
		["put (namespace)", () => cp.put({ ...record(), ns: id })],
		[
			"putWrites",
			() =>
				cp.putWrites({ threadId: "thread", checkpointId: id }, [
					{ kind: "resume", taskId: "t", index: 0, value: 1 },
				]),
		],
		["getTuple", () => cp.getTuple({ threadId: "thread", checkpointId: id })],
		["getTuple (namespace)", () => cp.getTuple({ threadId: "thread", ns: id })],
		["getChain", () => cp.getChain({ threadId: "thread", checkpointId: id })],
		[
			"list (before)",
			() => all(cp.list({ threadId: "thread" }, { before: id })),
		],
		["list (namespace)", () => all(cp.list({ threadId: "thread", ns: id }))],
		["heads (namespace)", () => cp.heads({ threadId: "thread", ns: id })],
		[
			"acquireLease (owner)",
			() => cp.acquireLease("thread", { owner: id, ttlMs: 1000 }),
		],
	];
}

/** Ids and other arguments every store checks the same way. */
export function inputCases(ctx: ConformanceContext): void {
	describe("checking ids and arguments", () => {
		it("refuses a bad thread id with INVALID_ID at every entry point, storing nothing", async () => {
			const cp = ctx.checkpointer();
			for (const [what, id] of BAD_IDS)
				for (const [call, run] of threadCalls(cp, id as string))
					expect(await codeOf(run()), `${call} with ${what}`).toBe(
						"INVALID_ID",
					);
			expect(await cp.listThreads()).toEqual([]);
		});

		it("refuses a bad checkpoint id, parent id, namespace or owner with INVALID_ID", async () => {
			const cp = ctx.checkpointer();
			await cp.put(record());
			for (const [what, id] of BAD_IDS) {
				for (const [call, run] of checkpointCalls(cp, id as string)) {
					// "" is the root namespace: a valid one
					if (id === "" && /namespace/.test(call)) continue;
					// a null parent is a root record
					if (id === null && /parent/.test(call)) continue;
					expect(await codeOf(run()), `${call} with ${what}`).toBe(
						"INVALID_ID",
					);
				}
			}
			expect(await all(cp.list({ threadId: "thread" }))).toHaveLength(1);
			expect((await cp.getThread("thread"))?.lease).toBeNull();
		});

		it("keeps ids that differ only in their surrogates apart, and takes 512 characters", async () => {
			const cp = ctx.checkpointer();
			const ids = ["thread🧵", "thread🪡", "x".repeat(512), "é", "ns:ü"];
			for (const threadId of ids)
				await cp.put(record({ threadId, snapshot: { threadId } }));
			for (const threadId of ids) {
				const tuple = await cp.getTuple({ threadId });
				expect(tuple?.checkpoint.data.snapshot).toEqual({ threadId });
			}
			const sub = record({ ns: "🧵:inner" });
			await cp.put(sub);
			expect(
				(await cp.getTuple({ threadId: "thread", ns: "🧵:inner" }))?.checkpoint
					.checkpointId,
			).toBe(sub.checkpointId);
		});

		it("refuses metadata that is not plain JSON with SERIALIZATION_FAILED, storing nothing", async () => {
			const cp = ctx.checkpointer();
			const cyclic: Record<string, unknown> = {};
			cyclic.self = cyclic;
			const bad: Array<[string, unknown]> = [
				["a BigInt", { big: 1n }],
				["a cycle", { cyclic }],
				["a NUL in a value", { note: "a\0b" }],
				["a NUL in a key", { "k\0": 1 }],
				["a nested NUL", { deep: [{ s: "\0" }] }],
			];
			for (const [what, extra] of bad) {
				const r = record();
				const broken = {
					...r,
					metadata: { ...r.metadata, ...(extra as object) },
				};
				expect(await codeOf(cp.put(broken)), what).toBe("SERIALIZATION_FAILED");
			}
			const r = record();
			expect(
				await codeOf(
					cp.put({ ...r, metadata: null as unknown as typeof r.metadata }),
				),
			).toBe("SERIALIZATION_FAILED");
			expect(await cp.getTuple({ threadId: "thread" })).toBeUndefined();
			expect(await cp.getThread("thread")).toBeUndefined();
		});

		it("refuses a record whose step is no whole number from -1, or whose source is unknown, with CONFIG_INVALID, storing nothing", async () => {
			const cp = ctx.checkpointer();
			const root = record();
			await cp.put(root);
			const bad: Array<[string, Record<string, unknown>]> = [
				["step NaN", { step: Number.NaN }],
				["step -2", { step: -2 }],
				["step 1.5", { step: 1.5 }],
				["step Infinity", { step: Number.POSITIVE_INFINITY }],
				["step 2^53", { step: 2 ** 53 }],
				["step as text", { step: "1" }],
				["no step", { step: undefined }],
				["an unknown source", { source: "replay" }],
				["no source", { source: null }],
			];
			for (const [what, change] of bad) {
				// a root record on a new thread, and a child of a stored one
				for (const r of [
					record({ threadId: "fresh" }),
					record({ parentId: root.checkpointId, step: 1 }),
				])
					expect(
						await codeOf(cp.put({ ...r, ...change } as typeof r)),
						what,
					).toBe("CONFIG_INVALID");
			}
			expect(await cp.getThread("fresh")).toBeUndefined();
			expect(await all(cp.list({ threadId: "thread" }))).toEqual([
				expect.objectContaining({ checkpointId: root.checkpointId }),
			]);
			// -1 is an input checkpoint as LangGraph numbers it
			expect(
				await codeOf(cp.put(record({ threadId: "langgraph", step: -1 }))),
			).toBe("resolved");
		});

		it("refuses a metadata filter that is not an object with CONFIG_INVALID", async () => {
			const cp = ctx.checkpointer();
			await cp.put(record());
			for (const filter of [null, "run", 1, ["a"], true])
				expect(
					await codeOf(
						all(
							cp.list({ threadId: "thread" }, {
								filter,
							} as unknown as ListOptions),
						),
					),
					JSON.stringify(filter),
				).toBe("CONFIG_INVALID");
			expect(
				await all(cp.list({ threadId: "thread" }, { filter: {} })),
			).toHaveLength(1);
		});
	});
}
