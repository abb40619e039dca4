import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { filterSql } from "../src/metadata-filter.ts";
import { pageSql, SQL } from "../src/statements.ts";
import { collect, openStore, putChain, record, tempDb } from "./helpers.ts";

const FILL = 0x78; // "x"

/** Overwrites every overflow page made only of `FILL` (a big blob's pages) with garbage. Returns how many. */
function corruptBlobPages(path: string): number {
	const file = readFileSync(path);
	const PAGE_SIZE = file.readUInt16BE(16); // the header's page size (the file is below 64 KiB pages)
	const fd = openSync(path, "r+");
	let corrupted = 0;
	try {
		for (let page = 1; page * PAGE_SIZE < file.length; page++) {
			const start = page * PAGE_SIZE;
			const body = file.subarray(start + 4, start + PAGE_SIZE);
			if (body.every((b) => b === FILL)) {
				writeSync(fd, Buffer.alloc(PAGE_SIZE, 0xff), 0, PAGE_SIZE, start);
				corrupted++;
			}
		}
	} finally {
		closeSync(fd);
	}
	return corrupted;
}

describe("listings never read state blobs", () => {
	it("list and listThreads work on a file whose blob pages are destroyed; reading the state fails typed", async () => {
		const path = tempDb();
		const cp = openStore(path);
		const ids = await putChain(cp, 3);
		await cp.put(
			record("d-big", ids[2]!, { value: "x".repeat(2_000_000), step: 7 }),
		);
		await cp.put(
			record("d-big2", "d-big", {
				value: "x".repeat(500_000),
				step: 8,
				metadata: { user: "ann" },
			}),
		);
		await cp.close();
		expect(corruptBlobPages(path)).toBeGreaterThan(500);

		const again = openStore(path);
		const listed = await collect(again.list({ threadId: "t1" }));
		expect(listed.map((s) => s.checkpointId)).toEqual([
			"d-big2",
			"d-big",
			...[...ids].reverse(),
		]);
		expect(listed[1]?.size).toBeGreaterThan(2_000_000);
		const filtered = await collect(
			again.list({ threadId: "t1" }, { filter: { user: "ann" } }),
		);
		expect(filtered.map((s) => s.checkpointId)).toEqual(["d-big2"]);
		expect(await again.listThreads()).toMatchObject([
			{ threadId: "t1", checkpointId: "d-big2", step: 8, checkpoints: 5 },
		]);
		// The small checkpoints are intact.
		expect(
			(await again.getChain({ threadId: "t1", checkpointId: ids[2]! })).length,
		).toBe(3);
		await expect(
			again.getTuple({ threadId: "t1", checkpointId: "d-big" }),
		).rejects.toMatchObject({
			name: "CheckpointError",
			code: expect.stringMatching(/^(STORE_UNAVAILABLE|CORRUPT_CHECKPOINT)$/),
		});
	});

	it("list, heads and thread listings do not deserialize blobs", async () => {
		const path = tempDb();
		const cp = openStore(path);
		const ids = await putChain(cp, 3);
		const db = new Database(path);
		db.prepare("UPDATE checkpoints SET data = x'00ff00'").run();
		db.close();
		expect((await collect(cp.list({ threadId: "t1" }))).length).toBe(3);
		expect((await cp.listThreads())[0]?.checkpointId).toBe(ids[2]);
		expect((await cp.heads({ threadId: "t1" }))[0]?.checkpointId).toBe(ids[2]);
		expect((await cp.getThread("t1"))?.heads).toEqual([ids[2]]);
		await expect(cp.getTuple({ threadId: "t1" })).rejects.toMatchObject({
			code: "CORRUPT_CHECKPOINT",
		});
	});

	it("the listing and planning queries read no blob column and need no sort (EXPLAIN)", async () => {
		const path = tempDb();
		await openStore(path).close();
		const db = new Database(path, { readonly: true });
		try {
			const table = db
				.prepare(
					"SELECT rootpage FROM sqlite_schema WHERE name = 'checkpoints'",
				)
				.pluck()
				.get();
			const columns = db
				.prepare("SELECT name FROM pragma_table_info('checkpoints')")
				.pluck()
				.all() as string[];
			// only `linear` (schema migration 6) follows the blob; reading it would follow the overflow pages too
			const dataColumn = columns.indexOf("data");
			expect(columns.slice(dataColumn + 1)).toEqual(["linear"]);
			const filter = filterSql({ user: "ann", tags: ["a"] });
			const queries = [
				pageSql(false, ""),
				pageSql(true, ""),
				pageSql(true, filter.where),
				SQL.threads,
				SQL.thread,
				SQL.heads,
				SQL.latestId,
				SQL.seqOf,
				SQL.planRows,
				SQL.namespaces,
			];
			// EXPLAIN compiles without running: any values will do for the parameters.
			const explain = (sql: string) => {
				const positional = sql.replace(/@\w+/g, "?");
				return db.prepare(positional).all(
					...positional
						.split("?")
						.slice(1)
						.map(() => "x"),
				);
			};
			for (const sql of queries) {
				const program = explain(`EXPLAIN ${sql}`) as Array<{
					opcode: string;
					p1: number;
					p2: number;
				}>;
				const cursors = new Set(
					program
						.filter((op) => op.opcode === "OpenRead" && op.p2 === table)
						.map((op) => op.p1),
				);
				const blobReads = program.filter(
					(op) =>
						op.opcode === "Column" && cursors.has(op.p1) && op.p2 >= dataColumn,
				);
				expect(blobReads, sql).toEqual([]);
				const plan = (
					explain(`EXPLAIN QUERY PLAN ${sql}`) as Array<{ detail: string }>
				)
					.map((r) => r.detail)
					.join("; ");
				expect(plan, sql).not.toMatch(
					/SCAN checkpoints\b(?! USING)|TEMP B-TREE FOR ORDER BY/,
				);
			}
		} finally {
			db.close();
		}
	});
});
