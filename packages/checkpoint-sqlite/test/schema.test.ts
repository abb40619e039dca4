import { readFileSync } from "node:fs";
import { SCHEMA_VERSION, SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { PAGE_SIZE } from "../src/open-database.ts";
import { MIGRATIONS } from "../src/schema.ts";
import { prepareStatements, SQL } from "../src/statements.ts";
import { collect, openStore, putChain, record, tempDb } from "./helpers.ts";

function userVersion(path: string): number {
	const db = new Database(path, { readonly: true });
	try {
		return db.pragma("user_version", { simple: true }) as number;
	} finally {
		db.close();
	}
}

describe("the fixed statements", () => {
	it("all compile against the current schema, each prepared once on first use (decision 0195)", () => {
		const db = new Database(":memory:");
		try {
			for (const migration of MIGRATIONS) db.exec(migration);
			for (const [key, sql] of Object.entries(SQL))
				expect(() => db.prepare(sql), key).not.toThrow();
			const s = prepareStatements(db);
			expect(s.latestId).toBe(s.latestId);
			// a single-value read returns the bare value
			expect(s.chainLimit.get({ thread: "t", ns: "" })).toBe(0);
			expect(s.bumpSeq.reader).toBe(true);
		} finally {
			db.close();
		}
	});
});

describe("schema versions", () => {
	it("creates a new file at the current version, in WAL mode with incremental vacuum and 2048-byte pages", async () => {
		const path = tempDb();
		await openStore(path).close();
		expect(userVersion(path)).toBe(SCHEMA_VERSION);
		const db = new Database(path, { readonly: true });
		expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
		expect(db.pragma("auto_vacuum", { simple: true })).toBe(2);
		expect(db.pragma("page_size", { simple: true })).toBe(PAGE_SIZE);
		db.close();
	});

	it("keeps the page size of a file made before (SQLite's 4096), and works in it", async () => {
		const path = tempDb();
		const before = new Database(path);
		before.exec("CREATE TABLE mine (x); INSERT INTO mine VALUES (1)");
		before.close();
		const cp = openStore(path);
		const ids = await putChain(cp, 3);
		await cp.put(record("big", ids[2]!, { value: "x".repeat(100_000) }));
		await cp.close();
		const again = openStore(path);
		expect(
			(await collect(again.list({ threadId: "t1" }))).map(
				(s) => s.checkpointId,
			),
		).toEqual(["big", ...[...ids].reverse()]);
		const tuple = await again.getTuple({ threadId: "t1" });
		expect(tuple?.checkpoint.checkpointId).toBe("big");
		expect(tuple?.checkpoint.data.writes).toEqual([
			["a", "x", "x".repeat(100_000)],
		]);
		await again.close();
		const db = new Database(path, { readonly: true });
		expect(db.pragma("page_size", { simple: true })).toBe(4096);
		expect(db.prepare("SELECT x FROM mine").pluck().get()).toBe(1);
		db.close();
	});

	it("refuses a file written by a newer schema, leaving it untouched", async () => {
		const path = tempDb();
		const cp = openStore(path);
		await putChain(cp, 3);
		await cp.close();
		const db = new Database(path);
		db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
		db.pragma("journal_mode = DELETE");
		db.close();
		const before = readFileSync(path);
		let error: unknown;
		try {
			new SqliteCheckpointer({ path });
		} catch (e) {
			error = e;
		}
		expect(error).toMatchObject({
			name: "CheckpointError",
			code: "STORE_SCHEMA_TOO_NEW",
			message: `${path} has Weft checkpoint schema version ${SCHEMA_VERSION + 1}; this @weft/checkpoint-sqlite knows versions up to ${SCHEMA_VERSION}`,
			hint: expect.stringContaining("upgrade @weft/checkpoint-sqlite"),
		});
		expect(readFileSync(path).equals(before)).toBe(true);
	});

	it("migrates a version 1 file, keeping its checkpoints and writes", async () => {
		const path = tempDb();
		const v1 = new Database(path);
		v1.exec((await import("../src/schema.ts")).MIGRATIONS[0]!);
		v1.pragma("user_version = 1");
		const insert = v1.prepare(
			"INSERT INTO checkpoints VALUES (?, '', ?, ?, ?, 'loop', '2026-01-01T00:00:00.000Z', ?, 3, ?)",
		);
		insert.run(
			"t1",
			"a",
			null,
			-1,
			'{"nodes":[],"changed":[],"next":["x"],"snapshot":true}',
			Buffer.from('j{"writes":[],"tasks":[],"snapshot":{"v":1}}'),
		);
		insert.run(
			"t1",
			"b",
			"a",
			0,
			'{"nodes":["x"],"changed":["v"],"next":[],"snapshot":false}',
			Buffer.from('j{"writes":[["x","v",2]],"tasks":[]}'),
		);
		v1.prepare("INSERT INTO writes VALUES ('t1', '', 'b', 0, ?)").run(
			Buffer.from('j{"kind":"once-start","taskId":"x","key":"k"}'),
		);
		v1.prepare(
			"INSERT INTO threads VALUES ('t1', 'done', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
		).run();
		v1.close();

		const cp = openStore(path);
		expect(userVersion(path)).toBe(SCHEMA_VERSION);
		const chain = await cp.getChain({ threadId: "t1", checkpointId: "b" });
		expect(chain.map((c) => [c.checkpointId, c.data])).toEqual([
			["a", { writes: [], tasks: [], snapshot: { v: 1 } }],
			["b", { writes: [["x", "v", 2]], tasks: [] }],
		]);
		expect((await cp.getTuple({ threadId: "t1" }))?.pendingWrites).toEqual([
			{ kind: "once-start", taskId: "x", key: "k" },
		]);
		expect(await cp.listThreads()).toMatchObject([
			{ threadId: "t1", status: "done", checkpointId: "b", checkpoints: 2 },
		]);
	});

	it("keeps everything across close and reopen", async () => {
		const path = tempDb();
		const cp = openStore(path);
		const ids = await putChain(cp, 5);
		await putChain(cp, 2, { ns: "sub", prefix: "s" });
		await cp.putWrites({ threadId: "t1", checkpointId: ids[4]! }, [
			{ kind: "resume", taskId: "b", index: 0, value: { ok: true } },
		]);
		await cp.setThreadStatus("t1", "interrupted");
		const threads = await cp.listThreads();
		const history = await collect(cp.list({ threadId: "t1" }));
		const tuple = await cp.getTuple({ threadId: "t1" });
		await cp.close();

		const again = openStore(path);
		expect(await again.listThreads()).toEqual(threads);
		expect(await collect(again.list({ threadId: "t1" }))).toEqual(history);
		expect(await again.getTuple({ threadId: "t1" })).toEqual(tuple);
		expect(
			(await again.getTuple({ threadId: "t1", ns: "sub" }))?.checkpoint
				.checkpointId,
		).toBe("s0001");
		await again.put(record("c9999", ids[4]!), { exclusive: true });
	});

	it("opens with synchronous=FULL when asked", async () => {
		const cp = openStore(tempDb(), { synchronous: "full" });
		await putChain(cp, 2);
		expect((await cp.getTuple({ threadId: "t1" }))?.checkpoint.step).toBe(0);
	});
});
