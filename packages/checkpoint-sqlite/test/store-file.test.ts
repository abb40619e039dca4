import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isWeftError } from "@weft/checkpoint";
import { SqliteCheckpointer, SqliteStore } from "@weft/checkpoint-sqlite";
import { afterEach, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDb(): string {
	const dir = mkdtempSync(join(tmpdir(), "weft-store-file-"));
	dirs.push(dir);
	return join(dir, "weft.db");
}

describe("SqliteStore files", () => {
	it("keeps items across reopening, and shares a file with the checkpointer", async () => {
		const path = tempDb();
		const checkpointer = new SqliteCheckpointer({ path });
		const store = new SqliteStore({ path });
		await store.put(["users", "u1"], "tea", { text: "green tea" });
		await store.close();
		const again = new SqliteStore({ path });
		expect((await again.get(["users", "u1"], "tea"))?.value).toEqual({
			text: "green tea",
		});
		expect(
			(await again.search(["users"], { query: "tea" })).map((h) => h.key),
		).toEqual(["tea"]);
		expect(await checkpointer.listThreads()).toEqual([]);
		await again.close();
		await checkpointer.close();
	});

	it("fails with typed errors after close and on a file that is not a database", async () => {
		const path = tempDb();
		const store = new SqliteStore({ path });
		await store.close();
		const closed = await store.get(["a"], "k").catch((e: unknown) => e);
		expect(isWeftError(closed, "STORE_UNAVAILABLE")).toBe(true);
		const { writeFileSync } = await import("node:fs");
		const junk = tempDb();
		writeFileSync(
			junk,
			"this is not a database, just some text that is long enough to have a header",
		);
		let error: unknown;
		try {
			new SqliteStore({ path: junk });
		} catch (e) {
			error = e;
		}
		expect(isWeftError(error)).toBe(true);
	});
});
