import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CheckpointError } from "@weft/checkpoint";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import {
	collect,
	openStore,
	putChain,
	record,
	tempDb,
	tempDir,
} from "./helpers.ts";

function openError(path: string): unknown {
	try {
		new SqliteCheckpointer({ path }).close();
	} catch (error) {
		return error;
	}
	return undefined;
}

describe("files that cannot be used", () => {
	it("names a missing directory", () => {
		const path = join(tempDir(), "no", "such", "dir", "weft.db");
		const error = openError(path);
		expect(error).toBeInstanceOf(CheckpointError);
		expect(error).toMatchObject({
			code: "STORE_UNAVAILABLE",
			hint: expect.stringContaining("directory"),
		});
	});

	it("says a directory given as the database is a directory", () => {
		const path = tempDir();
		expect(openError(path)).toMatchObject({
			code: "STORE_UNAVAILABLE",
			hint: expect.stringContaining(`${path} is a directory`),
		});
	});

	it("refuses a file that is not a SQLite database, without writing to it", () => {
		const path = join(tempDir(), "notes.txt");
		const text = "these are my notes, not a database\n".repeat(200);
		writeFileSync(path, text);
		const error = openError(path);
		expect(error).toBeInstanceOf(CheckpointError);
		expect(error).toMatchObject({
			code: "STORE_UNAVAILABLE",
			message: expect.stringContaining("not a database"),
			hint: expect.stringContaining("is not a SQLite database"),
		});
		expect(readFileSync(path, "utf8")).toBe(text);
	});

	it("refuses a SQLite file of another program whose tables clash", () => {
		const path = join(tempDir(), "other.db");
		const db = new Database(path);
		db.exec("CREATE TABLE checkpoints (id INTEGER)");
		db.close();
		expect(openError(path)).toMatchObject({ code: "STORE_UNAVAILABLE" });
	});
});

describe("options that cannot work", () => {
	it("are CONFIG_INVALID naming the option, before any file is touched", () => {
		const make = (options: unknown) => () =>
			new SqliteCheckpointer(options as { path: string }).close();
		for (const [options, named] of [
			[undefined, "path"],
			[null, "path"],
			[{}, "path"],
			[{ path: 5 }, "path"],
			[{ path: "" }, "path"],
			[{ path: ":memory:", synchronous: "fast" }, "synchronous"],
			[{ path: ":memory:", busyTimeoutMs: -1 }, "busyTimeoutMs"],
			[{ path: ":memory:", clock: 5 }, "clock"],
			[{ path: ":memory:", serializer: 5 }, "serializer"],
			[{ path: ":memory:", serializer: {} }, "serializer"],
			// outside check (6 Dec): accepted; a NUL ended the path, and another file was written
			[{ path: ":memory:", pth: "x" }, "pth"],
			[{ path: `${tempDir()}/a\0b.db` }, "NUL"],
		] as const) {
			let error: unknown;
			try {
				make(options)();
			} catch (e) {
				error = e;
			}
			expect(error, JSON.stringify(options)).toMatchObject({
				code: "CONFIG_INVALID",
				message: expect.stringContaining(named),
				hint: expect.any(String),
			});
		}
		// the empty path is no silent temporary database: ":memory:" says so
		let empty: unknown;
		try {
			make({ path: "" })();
		} catch (e) {
			empty = e;
		}
		expect((empty as { hint: string }).hint).toContain(":memory:");
	});
});

// Outside check (6 Dec): `new SqliteStore()` threw a TypeError, `{ path: "" }` opened a temporary database
describe("SqliteStore options that cannot work", () => {
	it("are CONFIG_INVALID naming the option, before any file is touched", async () => {
		const { SqliteStore } = await import("@weft/checkpoint-sqlite");
		for (const [options, named] of [
			[undefined, "path"],
			[{}, "path"],
			[{ path: "" }, "path"],
			[{ path: 5 }, "path"],
			[{ path: ":memory:", pth: 1 }, "pth"],
			[{ path: ":memory:", busyTimeoutMs: -1 }, "busyTimeoutMs"],
		] as const) {
			let error: unknown;
			try {
				new SqliteStore(options as never);
			} catch (e) {
				error = e;
			}
			expect(error, JSON.stringify(options)).toMatchObject({
				code: "CONFIG_INVALID",
				message: expect.stringContaining(named),
			});
		}
	});
});

describe("damaged summary columns", () => {
	it("a step or source no store writes is CORRUPT_CHECKPOINT naming the checkpoint", async () => {
		for (const [column, value] of [
			["step", -5],
			["step", 1.5],
			["step", "x"],
			["source", "nope"],
		] as const) {
			const path = tempDb();
			const cp = openStore(path);
			const ids = await putChain(cp, 3);
			const raw = new Database(path);
			raw
				.prepare(`UPDATE checkpoints SET ${column} = ? WHERE checkpoint_id = ?`)
				.run(value, ids[2]);
			raw.close();
			const what = `${column}=${value}`;
			for (const read of [
				() => cp.getTuple({ threadId: "t1" }),
				() => collect(cp.list({ threadId: "t1" })),
				() => cp.getChain({ threadId: "t1", checkpointId: ids[2]! }),
			]) {
				const error = await read().catch((e: unknown) => e);
				expect(error, what).toMatchObject({
					code: "CORRUPT_CHECKPOINT",
					message: expect.stringContaining(ids[2]!),
				});
			}
			// the checkpoints before it still read
			expect(
				(await cp.getTuple({ threadId: "t1", checkpointId: ids[1]! }))
					?.checkpoint.step,
				what,
			).toBe(0);
		}
	});
});

describe("a damaged index", () => {
	// Outside check (6 Dec): a file torn by a copy taken during a write listed one thread's 2,473
	// checkpoints millions of times over, without end: each page of the keyset listing started again
	// below a seq that its damaged index gave out of order.
	it("that gives checkpoints out of order fails the listing typed, instead of listing them wrong or forever", async () => {
		const path = tempDb();
		const cp = openStore(path);
		await putChain(cp, 600);
		await cp.close();
		// the seq index's entries declared in the other order than they are stored: it gives them oldest first
		const raw = new Database(path);
		raw.unsafeMode(true);
		raw.pragma("writable_schema = ON");
		raw
			.prepare(
				"UPDATE sqlite_schema SET sql = 'CREATE INDEX checkpoints_seq ON checkpoints (thread_id, ns, seq DESC, checkpoint_id)' WHERE name = 'checkpoints_seq'",
			)
			.run();
		raw.close();
		const reader = new SqliteCheckpointer({ path, readOnly: true });
		try {
			const error = await collect(reader.list({ threadId: "t1" })).catch(
				(e: unknown) => e,
			);
			expect(error).toMatchObject({
				code: "STORE_UNAVAILABLE",
				message: expect.stringContaining("malformed"),
				hint: expect.stringContaining("is damaged"),
			});
		} finally {
			await reader.close();
		}
	});
});

describe("a closed checkpointer", () => {
	it("throws STORE_UNAVAILABLE from every method, and close() again is harmless", async () => {
		const cp = openStore();
		const ids = await putChain(cp, 2);
		const listing = cp.list({ threadId: "t1" })[Symbol.asyncIterator]();
		await cp.close();
		await cp.close();
		const ref = { threadId: "t1", checkpointId: ids[1]! };
		const calls: Array<() => Promise<unknown>> = [
			() => cp.put(record("c9", ids[1]!)),
			() => cp.putWrites(ref, []),
			() => cp.getTuple(ref),
			() => cp.getChain(ref),
			() => collect(cp.list({ threadId: "t1" })),
			() => listing.next(),
			() => cp.setThreadStatus("t1", "done"),
			() => cp.listThreads(),
			() => cp.deleteThread("t1"),
			() => cp.prune("t1", { keepLast: 1 }),
		];
		for (const call of calls)
			await expect(call()).rejects.toMatchObject({
				name: "CheckpointError",
				code: "STORE_UNAVAILABLE",
				message: expect.stringContaining("is closed"),
				hint: expect.stringContaining("new SqliteCheckpointer"),
			});
	});
});

describe("a parent cycle with a damaged thread row", () => {
	// Review (6 Dec): a chain read is bounded by the thread's `last_seq`; damaged into text or into a huge
	// number, that bound was none, and a parent cycle was walked until memory ran out.
	it.each([
		["text", "x"],
		["a huge number", 2 ** 52],
		["a negative number", -1],
		// a thread row made again (its count of puts back to 0) while its checkpoints stayed
		["0, below its newest seq", 0],
	])(
		"last_seq as %s: every chain read fails CORRUPT_CHECKPOINT, bounded; a healthy chain still reads",
		async (_what, lastSeq) => {
			const path = tempDb();
			const cp = openStore(path);
			const ids = await putChain(cp, 6);
			await putChain(cp, 3, { threadId: "t2" });
			const raw = new Database(path);
			// c1's parent becomes c4, its descendant: c4 → c3 → c2 → c1 → c4 …, no snapshot on the way
			raw
				.prepare(
					"UPDATE checkpoints SET parent_id = ? WHERE thread_id = 't1' AND checkpoint_id = ?",
				)
				.run(ids[4], ids[1]);
			raw.prepare("UPDATE threads SET last_seq = ?").run(lastSeq);
			raw.close();
			for (const read of [
				() => cp.getChain({ threadId: "t1", checkpointId: ids[5]! }),
				() => cp.getChain({ threadId: "t1", checkpointId: ids[3]! }),
			]) {
				const error = await read().catch((e: unknown) => e);
				expect(error).toMatchObject({
					code: "CORRUPT_CHECKPOINT",
					message: expect.stringContaining("cycle"),
				});
			}
			// a thread whose chain is whole reads, whatever its row says
			const t2 = await cp.getChain({ threadId: "t2", checkpointId: "c0002" });
			expect(t2.map((r) => r.checkpointId)).toEqual([
				"c0000",
				"c0001",
				"c0002",
			]);
		},
		20_000,
	);
});
