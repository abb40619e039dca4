// Outside check (evals, 7 Dec): `weft eval` and `weft feedback` on `--postgres …?schema=acme` kept their
// tables in `public`, shared by every schema of the database: `weft eval --run t1` in schema beta "kept"
// acme's finished cases (threads beta does not have), and `weft eval list` / `feedback list` there
// showed acme's. They live in the schema the threads live in (decision 0238).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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

vi.setConfig({ testTimeout: 180_000 });

const module = join(root, "packages/cli/test/fixtures/eval-graph.ts");

describe.runIf(await postgresAvailable())(
	"weft eval and feedback on a named Postgres schema",
	() => {
		it("keep runs and feedback in that schema, apart from another schema's", async () => {
			const [acme, beta] = [freshSchema(), freshSchema()];
			const dir = mkdtempSync(join(tmpdir(), "weft-eval-schema-"));
			const dataset = join(dir, "cases.jsonl");
			writeFileSync(
				dataset,
				'{"id": "france", "input": {"question": "france"}, "expected": "Paris"}\n',
			);
			const run = `r${Date.now().toString(36)}`;
			const url = (schema: string) => `${CONNECTION}?schema=${schema}`;
			const evalIn = (schema: string) =>
				weft([
					"--postgres",
					url(schema),
					"--json",
					"eval",
					module,
					"--dataset",
					dataset,
					"--run",
					run,
				]);
			try {
				expect((await evalIn(acme)).json).toMatchObject({ resumed: 0 });
				const fb = await weft([
					"--postgres",
					url(acme),
					"feedback",
					`${run}:france`,
					"--score",
					"1",
				]);
				expect(fb.code).toBe(0);
				// beta's run t1 is its own: nothing kept from acme's
				expect((await evalIn(beta)).json).toMatchObject({ resumed: 0 });
				const tables = await rows(
					"SELECT table_schema FROM information_schema.tables WHERE table_name = 'weft_eval_runs' AND table_schema = ANY($1)",
					[[acme, beta]],
				);
				expect(tables.map((t) => t.table_schema).sort()).toEqual(
					[acme, beta].sort(),
				);
				const list = await weft([
					"--postgres",
					url(beta),
					"--json",
					"feedback",
					"list",
				]);
				expect(list.json).toEqual([]);
			} finally {
				rmSync(dir, { recursive: true, force: true });
				for (const s of [acme, beta])
					await admin(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
			}
		});
	},
);
