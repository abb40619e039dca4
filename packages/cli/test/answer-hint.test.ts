import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { answerHint } from "../src/run-display.ts";
import { storeFlags } from "../src/store.ts";
import { root, weft, weftCommand } from "./run-cli.ts";

const graph = fileURLToPath(
	new URL("./fixtures/review-graph.ts", import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), "weft answer hint-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the 'answer with:' line after a run pauses", () => {
	it("names the --db the run used, so the printed command answers it when pasted", async () => {
		const db = join(dir, "my store.db");
		const run = await weft([
			"--db",
			db,
			"run",
			`${graph}#graph`,
			"--thread",
			"t-1",
			"--input",
			'{"topic":"tides"}',
		]);
		expect(run.code, run.stderr).toBe(0);
		const hint = `${run.stdout}${run.stderr}`
			.split("\n")
			.find((l) => l.includes("answer with:"));
		expect(hint).toContain(`weft --db '${db}' approve t-1`);
		// paste the approve command into a shell where `weft` is this checkout's CLI
		const approve = hint!.replace(/^.*answer with: /, "").split(" | ")[0]!;
		const shell = spawnSync(
			"bash",
			[
				"-c",
				`weft() { ${weftCommand.map((a) => `'${a}'`).join(" ")} "$@"; }; ${approve}`,
			],
			{ cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
		);
		expect(shell.status, shell.stderr).toBe(0);
		const state = await weft(["--db", db, "--json", "show", "t-1"]);
		expect(state.json.values.published).toBe(true);
	}, 90_000);

	it("leaves the default ./weft.db out, and a Postgres password for the user to fill in", () => {
		expect(storeFlags({ db: "weft.db" })).toBe("");
		expect(storeFlags({ db: "data/app.db" })).toBe(" --db data/app.db");
		expect(storeFlags({ postgres: "postgres://app@db:5432/weft" })).toBe(
			" --postgres postgres://app@db:5432/weft",
		);
		expect(storeFlags({ postgres: "postgres://app:s3cret@db/weft" })).toBe(
			" --postgres '<url>'",
		);
		expect(answerHint("a b", [], " --db x.db")).toMatch(
			/^answer with: weft --db x\.db approve 'a b' \| weft --db x\.db reject 'a b'/,
		);
	});
});
