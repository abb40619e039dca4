import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { nativeBinding } from "../src/native-binding.ts";

describe("nativeBinding (decision 0195)", () => {
	it("names the addon better-sqlite3 would load itself, and opens a database with it", () => {
		const root = dirname(
			createRequire(import.meta.url).resolve("better-sqlite3/package.json"),
		);
		const found = nativeBinding();
		expect(found).toBe(join(root, "build", "Release", "better_sqlite3.node"));
		expect(existsSync(found!)).toBe(true);
		expect(nativeBinding()).toBe(found); // looked up once
		const db = new Database(":memory:", { nativeBinding: found });
		try {
			expect(db.prepare("SELECT 1 + 1 AS two").get()).toEqual({ two: 2 });
			// the same addon as better-sqlite3's own search: its errors are the same class
			const other = new Database(":memory:");
			expect(() => db.exec("SELECT nope")).toThrow(Database.SqliteError);
			expect(() => other.exec("SELECT nope")).toThrow(Database.SqliteError);
			other.close();
		} finally {
			db.close();
		}
	});
});
