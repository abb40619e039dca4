// Outside check (new user, 4 Dec): a reading command on a Postgres database without Weft's tables made
// them (a schema and five tables in someone's database, for a typo in --postgres). It refuses instead, as
// a --db file that is not there; a writing command still makes them.
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import {
	admin,
	CONNECTION,
	freshSchema,
	postgresAvailable,
	rows,
} from "../../checkpoint-postgres/test/postgres.ts";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 120_000 });

const schemaExists = async (schema: string) =>
	(
		await rows(
			"SELECT 1 FROM information_schema.schemata WHERE schema_name = $1",
			[schema],
		)
	).length > 0;

describe.runIf(await postgresAvailable())(
	"reading commands on a Postgres database without Weft's tables",
	() => {
		it("refuse with USAGE and make nothing; a writing command makes the tables", async () => {
			const schema = freshSchema();
			const url = `${CONNECTION}?schema=${schema}`;
			try {
				for (const command of [["threads"], ["pending"], ["show", "t1"]]) {
					const r = await weft(["--postgres", url, ...command]);
					expect(r.code, command.join(" ")).toBe(2);
					expect(r.stderr).toContain(`no Weft tables in schema "${schema}"`);
					expect(r.stderr).toContain("run <module>");
				}
				expect(await schemaExists(schema)).toBe(false);
				await admin(`CREATE SCHEMA "${schema}"`);
				await admin(
					`CREATE TABLE "${schema}".schema_version (version INTEGER NOT NULL)`,
				);
				// an older schema (here: version 0) is migrated as before, not refused
				const migrated = await weft(["--postgres", url, "threads"]);
				expect(migrated.code).toBe(0);
				expect(migrated.stdout).toContain("no threads yet");
			} finally {
				await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
			}
		});

		// Outside check (7 Dec): `weft recover ghost --graph …` on the wrong database made Weft's schema there
		// (and a phantom thread) before finding no thread: a command that goes on with a thread has none to
		// go on with in a database without the tables, and makes none, as a reading one
		it("a command that goes on with a thread refuses a database without them, making nothing", async () => {
			const schema = freshSchema();
			const url = `${CONNECTION}?schema=${schema}`;
			const review = join(root, "packages/cli/test/fixtures/review-graph.ts");
			try {
				for (const command of [
					["--graph", review, "recover", "ghost"],
					["--graph", review, "continue", "ghost"],
					["approve", "ghost"],
				]) {
					const r = await weft(["--postgres", url, ...command]);
					expect(r.code, command.join(" ")).toBe(2);
					expect(r.stderr).toContain(`no Weft tables in schema "${schema}"`);
				}
				expect(await schemaExists(schema)).toBe(false);
			} finally {
				await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
			}
		});

		it("a writing command makes them", async () => {
			const schema = freshSchema();
			const url = `${CONNECTION}?schema=${schema}`;
			try {
				const ran = await weft([
					"--postgres",
					url,
					"run",
					join(root, "packages/cli/test/fixtures/review-graph.ts"),
					"--thread",
					"t1",
					"--input",
					'{"topic":"tea"}',
				]);
				expect(ran.stderr).toBe("");
				expect(await schemaExists(schema)).toBe(true);
				const listed = await weft(["--postgres", url, "threads"]);
				expect(listed.stdout).toContain("t1");
			} finally {
				await admin(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
			}
		});
	},
);
