// `readOnly: true` reads a file without writing it: no pragma, no migration; writes are refused by name.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isWeftError } from "@weft/checkpoint";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "../src/schema.ts";
import { openStore, record, tempDb, tempDir } from "./helpers.ts";

async function refusal(fn: () => unknown): Promise<Error> {
	try {
		await fn();
	} catch (error) {
		return error as Error;
	}
	throw new Error("expected a refusal");
}

describe("SqliteCheckpointer({ readOnly: true })", () => {
	it("reads what a writer stored, and refuses writes as STORE_UNAVAILABLE naming the file", async () => {
		const path = tempDb();
		const writer = openStore(path);
		await writer.put(record("a", null));
		await writer.close();
		const before = readFileSync(path);
		const reader = new SqliteCheckpointer({ path, readOnly: true });
		expect(
			(await reader.getTuple({ threadId: "t1" }))?.checkpoint.checkpointId,
		).toBe("a");
		expect((await reader.listThreads()).map((t) => t.threadId)).toEqual(["t1"]);
		const put = await refusal(() => reader.put(record("b", "a")));
		expect(isWeftError(put, "STORE_UNAVAILABLE")).toBe(true);
		expect(put.message).toBe(
			`SQLite store ${path} was opened read-only (readOnly: true): it cannot be written`,
		);
		await reader.close();
		expect(readFileSync(path).equals(before)).toBe(true);
	});

	it("creates no file, migrates no older file and opens no foreign one", async () => {
		const missing = join(tempDir(), "none.db");
		const none = await refusal(
			() => new SqliteCheckpointer({ path: missing, readOnly: true }),
		);
		expect(isWeftError(none, "STORE_UNAVAILABLE")).toBe(true);
		expect(existsSync(missing)).toBe(false);

		const old = tempDb();
		const db = new Database(old);
		db.exec(MIGRATIONS[0]!);
		db.pragma("user_version = 1");
		db.close();
		const older = await refusal(
			() => new SqliteCheckpointer({ path: old, readOnly: true }),
		);
		expect(older.message).toContain("schema version 1");
		expect((older as Error & { hint?: string }).hint).toContain(
			"to migrate it",
		);
		expect(new Database(old).pragma("user_version", { simple: true })).toBe(1);

		const foreign = tempDb();
		new Database(foreign).exec("CREATE TABLE notes (x)");
		const other = await refusal(
			() => new SqliteCheckpointer({ path: foreign, readOnly: true }),
		);
		expect(other.message).toContain("is not a Weft database");

		const bad = await refusal(
			() => new SqliteCheckpointer({ path: old, readOnly: "yes" as never }),
		);
		expect(isWeftError(bad, "CONFIG_INVALID")).toBe(true);
	});
});
