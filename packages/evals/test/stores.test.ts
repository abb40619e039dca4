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
