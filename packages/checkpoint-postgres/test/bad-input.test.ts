import { isWeftError } from "@weft/checkpoint";
import { record } from "@weft/checkpoint/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { all, freshCheckpointer, postgresAvailable, rows } from "./postgres.ts";

const available = await postgresAvailable();

describe.skipIf(!available)("PostgresCheckpointer with bad input", () => {
	const drops: Array<() => Promise<void>> = [];
	const fresh = async () => {
		const made = await freshCheckpointer();
		drops.push(made.drop);
		return made;
	};
	afterEach(async () => {
		for (const drop of drops.splice(0)) await drop();
	});

	it("refuses metadata Postgres or JSON cannot hold with SERIALIZATION_FAILED naming the key, storing nothing", async () => {
		const { cp, schema } = await fresh();
		const cyclic: Record<string, unknown> = {};
		cyclic.self = cyclic;
		for (const [what, user] of [
			["a NUL", { note: "a\0b" }],
			["a NUL in a key", { "k\0": 1 }],
			["a lone surrogate", { note: "x\uD800" }],
			["a BigInt", { n: 1n }],
			["a cycle", { c: cyclic }],
		] as const) {
			const r = record();
			r.metadata = { ...r.metadata, ...(user as object) };
			const error = await cp.put(r).catch((e: unknown) => e);
			expect(isWeftError(error), what).toBe(true);
			expect(error, what).toMatchObject({ code: "SERIALIZATION_FAILED" });
			expect((error as Error).message, what).toContain(r.checkpointId);
		}
		expect(await rows(`SELECT * FROM "${schema}".checkpoints`)).toEqual([]);
		expect(await rows(`SELECT * FROM "${schema}".threads`)).toEqual([]);
		// text that only looks like those escapes, and a whole surrogate pair, are stored as given
		const fine = record();
		const note = "a literal \\u0000 and \\ud800, an emoji 😀, deep: é";
		fine.metadata = { ...fine.metadata, note, list: [{ note }] };
		await cp.put(fine);
		expect(
			(await cp.getTuple({ threadId: fine.threadId }))?.checkpoint.metadata,
		).toMatchObject({ note, list: [{ note }] });
	});

	it("refuses a 1 MB thread id, a NUL or a lone surrogate with INVALID_ID before the server sees it", async () => {
		const { cp, schema } = await fresh();
		for (const threadId of ["x".repeat(1 << 20), "a\0b", "sur\uDBFF", ""]) {
			await expect(cp.put(record({ threadId }))).rejects.toMatchObject({
				code: "INVALID_ID",
			});
			await expect(cp.getTuple({ threadId })).rejects.toMatchObject({
				code: "INVALID_ID",
			});
			await expect(
				cp.acquireLease(threadId, { owner: "a", ttlMs: 1000 }),
			).rejects.toMatchObject({
				code: "INVALID_ID",
			});
			await expect(all(cp.list({ threadId }))).rejects.toMatchObject({
				code: "INVALID_ID",
			});
		}
		expect(await rows(`SELECT * FROM "${schema}".threads`)).toEqual([]);
	});

	it("takes a filter value Postgres's JSONB cannot hold, matching it exactly", async () => {
		const { cp } = await fresh();
		const r = record({ metadata: { tag: "plain" } });
		await cp.put(r);
		expect(
			await all(cp.list({ threadId: "thread" }, { filter: { tag: "a\0b" } })),
		).toEqual([]);
		expect(
			await all(cp.list({ threadId: "thread" }, { filter: { tag: "\uD800" } })),
		).toEqual([]);
		expect(
			await all(cp.list({ threadId: "thread" }, { filter: { tag: "plain" } })),
		).toHaveLength(1);
		await expect(
			all(cp.list({ threadId: "thread" }, { limit: -1 })),
		).rejects.toMatchObject({
			code: "CONFIG_INVALID",
		});
		expect(
			await all(
				cp.list({ threadId: "thread" }, { before: "no-such-checkpoint" }),
			),
		).toEqual([]);
	});

	it("turns a value the server refuses into a typed error, never a raw DatabaseError", async () => {
		const { cp } = await fresh();
		const r = { ...record(), step: 2 ** 40 };
		await expect(cp.put(r)).rejects.toMatchObject({
			code: "SERIALIZATION_FAILED",
		});
		const bad = { ...record(), createdAt: "time\0" };
		await expect(cp.put(bad)).rejects.toMatchObject({
			code: "SERIALIZATION_FAILED",
		});
	});
});
