// Outside check (evals, 7 Dec): an eval store that could not open answered with the driver's own error: a
// raw TypeError for a file in a missing folder (or a path that is no text), a SqliteError for a file that
// is no database, pg's Error for a server that refuses the connection or a database that is not there.
// Each is a typed error naming the store (decision 0238), as the checkpointers' are.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PostgresEvalStore } from "@weft/evals/postgres";
import { SqliteEvalStore } from "@weft/evals/sqlite";
import Database from "better-sqlite3";
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

	it("SQLite: a file whose eval tables are of another shape is no eval store, refused at open; nothing is written", async () => {
		const path = join(dir, "other.db");
		const other = new Database(path);
		other.exec("CREATE TABLE weft_eval_runs (x INTEGER)");
		other.close();
		expect(() => new SqliteEvalStore({ path })).toThrow(
			expect.objectContaining({
				code: "STORE_UNAVAILABLE",
				message: expect.stringMatching(
					/weft_eval_runs.*not an evaluation store|not an evaluation store.*weft_eval_runs/,
				),
				hint: expect.stringContaining(path),
			}),
		);
		const after = new Database(path, { readonly: true });
		const tables = after
			.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
			.all();
		after.close();
		expect(tables).toEqual([{ name: "weft_eval_runs" }]);
	});

	it("SQLite: opening a file that has the tables writes nothing, so it opens while another connection writes", async () => {
		const path = join(dir, "busy.db");
		await new SqliteEvalStore({ path }).close();
		// a file in rollback-journal mode (the eval tables in a file of the user's own)
		const own = new Database(path);
		own.pragma("journal_mode = DELETE");
		own.close();
		const holder = new Database(path);
		holder.exec("BEGIN IMMEDIATE");
		try {
			const store = new SqliteEvalStore({ path });
			expect(await store.listRuns()).toEqual([]);
			await store.close();
		} finally {
			holder.exec("ROLLBACK");
			holder.close();
		}
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
