// Outside check (evals, 7 Dec): an eval store that could not open answered with the driver's own error: a
// raw TypeError for a file in a missing folder (or a path that is no text), a SqliteError for a file that
// is no database, pg's Error for a server that refuses the connection or a database that is not there.
// Each is a typed error naming the store (decision 0238), as the checkpointers' are.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PostgresEvalStore } from "@weft/evals/postgres";
import { SqliteEvalStore } from "@weft/evals/sqlite";
import { afterAll, describe, expect, it } from "vitest";
import {
	CONNECTION,
	postgresAvailable,
} from "../../checkpoint-postgres/test/postgres.ts";

const withPostgres = await postgresAvailable();

describe("an eval store that cannot open says so, typed", () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-eval-open-"));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("SQLite: a missing folder, a file that is no database, a path that is no text", () => {
		const missing = join(dir, "no", "such", "evals.db");
		expect(() => new SqliteEvalStore({ path: missing })).toThrow(
			expect.objectContaining({
				code: "STORE_UNAVAILABLE",
				message: expect.stringContaining(missing),
				hint: expect.stringContaining("directory"),
			}),
		);
		const junk = join(dir, "notes.txt");
		writeFileSync(junk, "my notes, not a database\n");
		expect(() => new SqliteEvalStore({ path: junk })).toThrow(
			expect.objectContaining({
				code: "STORE_UNAVAILABLE",
				message: expect.stringContaining(junk),
			}),
		);
		expect(readFileSync(junk, "utf8")).toBe("my notes, not a database\n");
		expect(() => new SqliteEvalStore({ path: 5 } as never)).toThrow(
			expect.objectContaining({ code: "CONFIG_INVALID" }),
		);
	});

	it("Postgres: a server that refuses the connection, a schema that is no name", async () => {
		await expect(
			PostgresEvalStore.connect({
				connectionString: "postgres://postgres@127.0.0.1:1/weft",
			}),
		).rejects.toMatchObject({
			code: "STORE_UNAVAILABLE",
			message: expect.stringContaining("127.0.0.1:1"),
		});
		await expect(
			PostgresEvalStore.connect({
				connectionString: "postgres://postgres@127.0.0.1:1/weft",
				schema: "acme; drop",
			}),
		).rejects.toMatchObject({ code: "CONFIG_INVALID" });
	});

	it.runIf(withPostgres)("Postgres: a database that is not there", async () => {
		const url = new URL(CONNECTION);
		url.pathname = "/weft_no_such_database";
		await expect(
			PostgresEvalStore.connect({ connectionString: url.toString() }),
		).rejects.toMatchObject({
			code: "STORE_UNAVAILABLE",
			message: expect.stringContaining("weft_no_such_database"),
		});
	});
});
