import { describe, expect, it } from "vitest";
import type { Checkpointer } from "../checkpointer.ts";
import type { Corruption, CorruptionPlace } from "../corruption.ts";
import type { CheckpointRecord } from "../record.ts";
import type { ConformanceContext } from "./context.ts";
import { chainAfter, record } from "./fixtures.ts";
import { all, codeOf, errorOf } from "./helpers.ts";

const text = (s: string) => new TextEncoder().encode(s);
const at = (r: CheckpointRecord): CorruptionPlace => ({
	threadId: r.threadId,
	ns: r.ns,
	checkpointId: r.checkpointId,
});

/** A thread `root (snapshot) → a → b → c` with a pending write at c, and an untouched thread beside it. */
async function seed(cp: Checkpointer) {
	const root = record({ threadId: "bad", snapshot: { log: [] } });
	await cp.put(root);
	const [a, b, c] = chainAfter(root, 3);
	for (const r of [a!, b!, c!]) await cp.put(r);
	await cp.putWrites({ threadId: "bad", checkpointId: c!.checkpointId }, [
		{ kind: "resume", taskId: "node", index: 0, value: "yes" },
	]);
	const good = record({ threadId: "good", snapshot: { ok: true } });
	await cp.put(good);
	return { root, a: a!, b: b!, c: c!, good };
}

/** Every read path, each giving the WeftError code it ended with ("resolved" when it read fine). */
async function readAll(
	cp: Checkpointer,
	r: { c: CheckpointRecord },
): Promise<Record<string, string>> {
	const ref = { threadId: "bad", checkpointId: r.c.checkpointId };
	return {
		getTuple: await codeOf(cp.getTuple(ref)),
		getTupleLatest: await codeOf(cp.getTuple({ threadId: "bad" })),
		getChain: await codeOf(cp.getChain(ref)),
		getChainStop: await codeOf(cp.getChain(ref, { stopAt: () => false })),
		getChainWrites: await codeOf(cp.getChain(ref, { withWrites: true })),
		list: await codeOf(all(cp.list({ threadId: "bad" }))),
		heads: await codeOf(cp.heads({ threadId: "bad" })),
		getThread: await codeOf(cp.getThread("bad")),
		listThreads: await codeOf(cp.listThreads()),
		prune: await codeOf(cp.prune("bad", { keepLast: 1 })),
		pruneRebuild: await codeOf(
			cp.prune("bad", { keepLast: 1, rebuild: () => ({}) }),
		),
	};
}

const TYPED = /^(resolved|CORRUPT_CHECKPOINT)$/;

/** Reads of damaged rows: typed CORRUPT_CHECKPOINT naming thread and checkpoint, never a hang or a raw error. */
export function corruptCases(ctx: ConformanceContext): void {
	describe("reading damaged rows", () => {
		async function damage(
			c: Corruption,
			skip: (note?: string) => never,
		): Promise<void> {
			const hook = ctx.corrupt;
			if (hook === undefined) skip("the backend offers no corrupt hook");
			if (!(await hook(c)))
				skip(`the backend cannot hold a ${c.kind} corruption`);
		}

		async function expectUntouched(cp: Checkpointer, good: CheckpointRecord) {
			const tuple = await cp.getTuple({ threadId: "good" });
			expect(tuple?.checkpoint.data.snapshot).toEqual({ ok: true });
			expect(tuple?.checkpoint.checkpointId).toBe(good.checkpointId);
		}

		it("detects a parent cycle on every chain walk, bounded", async ({
			skip,
		}) => {
			const cp = ctx.checkpointer();
			const r = await seed(cp);
			await damage(
				{ kind: "parent", at: at(r.a), parentId: r.c.checkpointId },
				skip,
			);
			const error = await errorOf(
				cp.getChain({ threadId: "bad", checkpointId: r.c.checkpointId }),
			);
			expect(error).toMatchObject({ code: "CORRUPT_CHECKPOINT" });
			expect(String((error as Error).message)).toContain('"bad"');
			const codes = await readAll(cp, r);
			expect(codes.getChain).toBe("CORRUPT_CHECKPOINT");
			expect(codes.getChainStop).toBe("CORRUPT_CHECKPOINT");
			for (const [path, code] of Object.entries(codes))
				expect(code, path).toMatch(TYPED);
			await expectUntouched(cp, r.good);
		});

		it("detects a checkpoint that is its own parent", async ({ skip }) => {
			const cp = ctx.checkpointer();
			const r = await seed(cp);
			await damage(
				{ kind: "parent", at: at(r.b), parentId: r.b.checkpointId },
				skip,
			);
			expect(
				await codeOf(
					cp.getChain({ threadId: "bad", checkpointId: r.c.checkpointId }),
				),
			).toBe("CORRUPT_CHECKPOINT");
			for (const [path, code] of Object.entries(await readAll(cp, r)))
				expect(code, path).toMatch(TYPED);
		});

		it("reports a missing middle checkpoint as CORRUPT_CHECKPOINT naming the one whose parent is gone", async ({
			skip,
		}) => {
			const cp = ctx.checkpointer();
			const r = await seed(cp);
			await damage({ kind: "delete", at: at(r.b) }, skip);
			for (const stopAt of [undefined, () => false]) {
				const error = await errorOf(
					cp.getChain(
						{ threadId: "bad", checkpointId: r.c.checkpointId },
						{ stopAt },
					),
				);
				expect(error).toMatchObject({ code: "CORRUPT_CHECKPOINT" });
				expect(String((error as Error).message)).toContain(r.c.checkpointId);
				expect(String((error as Error).message)).toContain('"bad"');
			}
			// rows that are not needed still read
			expect(
				(await cp.getTuple({ threadId: "bad", checkpointId: r.c.checkpointId }))
					?.pendingWrites,
			).toHaveLength(1);
			expect(
				(await cp.getChain({ threadId: "bad", checkpointId: r.a.checkpointId }))
					.length,
			).toBe(2);
			for (const [path, code] of Object.entries(await readAll(cp, r)))
				expect(code, path).toMatch(TYPED);
			await expectUntouched(cp, r.good);
		});

		const blobs: Array<[string, () => Uint8Array]> = [
			["random bytes", () => new Uint8Array([0, 255, 1, 2, 3])],
			["an empty blob", () => new Uint8Array()],
			["j{}", () => text("j{}")],
			["jnull", () => text("jnull")],
			["j[1,2]", () => text("j[1,2]")],
			['j{"writes":1,"tasks":[]}', () => text('j{"writes":1,"tasks":[]}')],
			["cut JSON", () => text('j{"writes":[')],
		];
		for (const [what, bytes] of blobs) {
			it(`reports a data blob of ${what} as CORRUPT_CHECKPOINT naming thread and checkpoint`, async ({
				skip,
			}) => {
				const cp = ctx.checkpointer();
				const r = await seed(cp);
				await damage({ kind: "blob", at: at(r.b), bytes: bytes() }, skip);
				const ref = { threadId: "bad", checkpointId: r.b.checkpointId };
				const error = await errorOf(cp.getTuple(ref));
				expect(error).toMatchObject({ code: "CORRUPT_CHECKPOINT" });
				expect(String((error as Error).message)).toContain(r.b.checkpointId);
				expect(String((error as Error).message)).toContain('"bad"');
				const codes = await readAll(cp, r);
				expect(codes.getChain).toBe("CORRUPT_CHECKPOINT");
				// listings never read blobs
				expect(codes.list).toBe("resolved");
				expect(codes.heads).toBe("resolved");
				expect(codes.getThread).toBe("resolved");
				expect(codes.listThreads).toBe("resolved");
				expect(codes.getTupleLatest).toBe("resolved");
				for (const [path, code] of Object.entries(codes))
					expect(code, path).toMatch(TYPED);
				await expectUntouched(cp, r.good);
			});
		}

		it("reports a snapshot flag without a snapshot as CORRUPT_CHECKPOINT", async ({
			skip,
		}) => {
			const cp = ctx.checkpointer();
			const r = await seed(cp);
			// what the default serializer writes for data without a snapshot
			const bytes = text('j{"writes":[],"tasks":[]}');
			await damage({ kind: "blob", at: at(r.root), bytes }, skip);
			expect(
				await codeOf(
					cp.getChain({ threadId: "bad", checkpointId: r.c.checkpointId }),
				),
			).toBe("CORRUPT_CHECKPOINT");
		});

		it("reports a damaged pending write as CORRUPT_CHECKPOINT", async ({
			skip,
		}) => {
			const cp = ctx.checkpointer();
			const r = await seed(cp);
			for (const bytes of [
				text("jnull"),
				text('j{"kind":"nope"}'),
				text("x"),
				// a known kind without the fields of its kind
				text('j{"kind":"done","taskId":"t"}'),
				text('j{"kind":"done","taskId":"t","node":"n","writes":[1]}'),
				text('j{"kind":"done","taskId":"t","node":"n","writes":[],"goto":"n"}'),
				text('j{"kind":"interrupt","taskId":"t","node":"n"}'),
				text(
					'j{"kind":"interrupt","taskId":"t","node":"n","id":"i","index":0.5}',
				),
				text('j{"kind":"resume","taskId":"t","index":"0"}'),
				text('j{"kind":"once","taskId":"t"}'),
				text('j{"kind":"once-start","taskId":"t","key":3}'),
				text('j{"kind":"error","taskId":"t","node":"n","code":"X"}'),
			]) {
				await damage({ kind: "write", at: at(r.c), index: 0, bytes }, skip);
				const error = await errorOf(
					cp.getTuple({ threadId: "bad", checkpointId: r.c.checkpointId }),
				);
				expect(error).toMatchObject({ code: "CORRUPT_CHECKPOINT" });
				expect(String((error as Error).message)).toContain(r.c.checkpointId);
				// a chain read with its writes reads the damaged one (if the store reads writes there)
				expect(
					await codeOf(
						cp.getChain(
							{ threadId: "bad", checkpointId: r.c.checkpointId },
							{ withWrites: true },
						),
					),
				).toMatch(TYPED);
			}
			expect(
				await codeOf(
					cp.getChain({ threadId: "bad", checkpointId: r.c.checkpointId }),
				),
			).toBe("resolved");
		});

		for (const [what, metadata] of [
			["non-JSON", "{not json"],
			["null", "null"],
			["an array", "[]"],
			["an object without the snapshot flag", '{"nodes":[]}'],
		] as const) {
			it(`reports ${what} metadata as CORRUPT_CHECKPOINT where it is read`, async ({
				skip,
			}) => {
				const cp = ctx.checkpointer();
				const r = await seed(cp);
				await damage({ kind: "metadata", at: at(r.b), text: metadata }, skip);
				const codes = await readAll(cp, r);
				expect(codes.list).toBe("CORRUPT_CHECKPOINT");
				expect(
					await codeOf(
						all(cp.list({ threadId: "bad" }, { filter: { nodes: ["node"] } })),
					),
				).toBe("CORRUPT_CHECKPOINT");
				expect(
					await codeOf(
						cp.getTuple({ threadId: "bad", checkpointId: r.b.checkpointId }),
					),
				).toBe("CORRUPT_CHECKPOINT");
				// a listing that stops before the damaged row reads fine
				expect(
					await codeOf(all(cp.list({ threadId: "bad" }, { limit: 1 }))),
				).toBe("resolved");
				expect(codes.getThread).toBe("resolved");
				expect(codes.listThreads).toBe("resolved");
				for (const [path, code] of Object.entries(codes))
					expect(code, path).toMatch(TYPED);
				await expectUntouched(cp, r.good);
			});
		}
	});
}
