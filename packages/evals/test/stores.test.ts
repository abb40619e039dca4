import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryEvalStore } from "@weft/evals";
import { PostgresEvalStore } from "@weft/evals/postgres";
import { SqliteEvalStore } from "@weft/evals/sqlite";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import {
	admin,
	CONNECTION,
	freshSchema,
	postgresAvailable,
} from "../../checkpoint-postgres/test/postgres.ts";
import { evalStoreSuite } from "./store-suite.ts";

describe("MemoryEvalStore", () =>
	evalStoreSuite(async () => new MemoryEvalStore()));

describe("SqliteEvalStore", () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-evals-"));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));
	let n = 0;
	evalStoreSuite(
		async () => new SqliteEvalStore({ path: join(dir, `evals-${n++}.db`) }),
	);

	it("keeps its own tables beside the threads' in a shared file, and reopens them", async () => {
		const path = join(dir, "shared.db");
		const db = new Database(path);
		db.exec("CREATE TABLE checkpoints (id TEXT)"); // someone else's table
		const store = new SqliteEvalStore({ database: db });
		await store.putRun({
			id: "r",
			name: "r",
			scorers: [],
			status: "done",
			startedAt: "x",
		});
		await store.close(); // shared: stays open
		expect(db.prepare("SELECT count(*) AS n FROM checkpoints").get()).toEqual({
			n: 0,
		});
		db.close();
		const again = new SqliteEvalStore({ path });
		expect((await again.getRun("r"))?.name).toBe("r");
		await again.close();
	});

	it("only reads a database opened read-only: no tables made, empty without them, a write refused typed", async () => {
		const path = join(dir, "read-only.db");
		const made = new Database(path);
		made.exec("CREATE TABLE checkpoints (id TEXT)");
		made.close();
		const bare = new Database(path, { readonly: true });
		const empty = new SqliteEvalStore({ database: bare });
		expect(await empty.listRuns()).toEqual([]);
		expect(await empty.getRun("r")).toBeUndefined();
		expect(await empty.listCases("r")).toEqual([]);
		expect(await empty.listFeedback()).toEqual([]);
		await expect(
			empty.addFeedback({
				id: "f",
				threadId: "t",
				createdAt: "2026-12-06T00:00:00.000Z",
			}),
		).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
		bare.close();
		const tables = new Database(path, { readonly: true });
		expect(
			tables
				.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
				.all(),
		).toEqual([{ name: "checkpoints" }]);
		tables.close();
		// with its tables: what was stored reads
		const writer = new SqliteEvalStore({ path });
		await writer.putRun({
			id: "r",
			name: "r",
			scorers: [],
			status: "done",
			startedAt: "x",
		});
		await writer.close();
		const reader = new Database(path, { readonly: true });
		expect(
			(await new SqliteEvalStore({ database: reader }).getRun("r"))?.name,
		).toBe("r");
		reader.close();
	});
});

describe.skipIf(!(await postgresAvailable()))("PostgresEvalStore", () => {
	const schemas: string[] = [];
	afterAll(async () => {
		for (const s of schemas) await admin(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
	});
	evalStoreSuite(async () => {
		const schema = freshSchema();
		schemas.push(schema);
		return PostgresEvalStore.connect({ connectionString: CONNECTION, schema });
	});
});
