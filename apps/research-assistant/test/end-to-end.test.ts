import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { weftMain } from "../../../test-setup/weft-cli.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
// tsx resolved from the repository, so the child processes can run in a temporary directory
const tsx = pathToFileURL(
	createRequire(join(root, "package.json")).resolve("tsx"),
).href;
const app = join(root, "apps/research-assistant/src/main.ts");
// the built CLI, as a user's installed `weft` (test-setup/build-cli.ts)
const cli = weftMain;

function node(
	script: string,
	args: string[],
	cwd: string,
	env: Record<string, string>,
) {
	const r = spawnSync(
		process.execPath,
		script.endsWith(".js")
			? [script, ...args]
			: ["--conditions", "@weft/source", "--import", tsx, script, ...args],
		{
			cwd,
			encoding: "utf8",
			env: {
				...process.env,
				NO_COLOR: "1",
				OPENAI_API_KEY: "",
				ANTHROPIC_API_KEY: "",
				OLLAMA_HOST: "",
				...env,
			},
			timeout: 120_000,
		},
	);
	return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("research assistant, end to end across processes", () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-ra-"));
	const env = { WEFT_MODEL_CALL_LOG: join(dir, "calls.log") };
	const db = join(dir, "weft.db");
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("refuses a --docs directory it cannot search before any run (exit 2, no database made)", () => {
		const file = join(dir, "bad-docs.db");
		const r = node(
			app,
			["--db", file, "--docs", join(dir, "nope"), "--yes"],
			dir,
			env,
		);
		expect(r.code).toBe(2);
		expect(r.err).toContain("cannot read the documents directory");
		expect(r.err).toContain("hint: --docs");
		expect(existsSync(file)).toBe(false);
	});

	// found from outside (6 Dec): a misspelled flag, --help, or a --db in no directory printed a stack trace
	it("refuses a misspelled flag with its usage, answers --help, and says why a --db cannot be opened (no stack trace)", () => {
		const typo = node(app, ["--yse"], dir, env);
		expect(typo.code).toBe(2);
		expect(typo.err).toContain("error: Unknown option '--yse'");
		expect(typo.err).toContain("usage: pnpm demo");
		expect(typo.err).not.toMatch(/\n\s+at /);
		const help = node(app, ["--help"], dir, env);
		expect(help.code).toBe(0);
		expect(help.out).toContain("usage: pnpm demo");
		const nowhere = node(
			app,
			["--db", join(dir, "no", "such", "dir", "x.db"), "--yes"],
			dir,
			env,
		);
		expect(nowhere.code).toBe(2);
		expect(nowhere.err).toMatch(/^error [A-Z_]+: /);
		expect(nowhere.err).not.toMatch(/\n\s+at /);
	});

	it("runs to the approval in one process and is approved with the CLI in another; no model call runs twice", () => {
		const run = node(
			app,
			["--db", db, "--out", join(dir, "reports"), "--thread", "ra"],
			dir,
			env,
		);
		expect(run.code).toBe(0);
		expect(run.out).toContain("NOT a generative model");
		expect(run.out).toContain("paused for review");
		expect(run.out).toContain(`weft --db ${db} approve ra`);
		expect(existsSync(join(dir, "reports"))).toBe(false);
		const approve = node(
			cli,
			["--db", db, "--json", "approve", "ra"],
			dir,
			env,
		);
		expect(approve.code).toBe(0);
		const result = JSON.parse(approve.out);
		expect(result.status).toBe("done");
		const report = readFileSync(result.values.reportPath, "utf8");
		expect(report).toMatch(/^# What did presidents propose about education/);
		expect(report).toMatch(/\[\d{4}-[a-z-]+#\d+\]/);
		expect(report).toContain("## Sources");
		expect(report).toContain("NOT a generative model");
		const calls = readFileSync(env.WEFT_MODEL_CALL_LOG, "utf8")
			.trim()
			.split("\n");
		expect(calls.length).toBeGreaterThanOrEqual(5);
		expect(new Set(calls).size).toBe(calls.length);
		// the thread's usage, kept in the store: every model call of both processes, once
		const usage = node(cli, ["--db", db, "--json", "usage", "ra"], dir, env);
		expect(usage.code).toBe(0);
		const total = JSON.parse(usage.out);
		expect(total.calls).toBe(calls.length);
		expect(Object.keys(total.byModel).length).toBeGreaterThan(0);
		expect(total.inputTokens).toBeGreaterThan(0);
		const table = node(cli, ["--db", db, "usage", "ra"], dir, env);
		expect(table.out).toMatch(/total[\s│]+\d+/);
	}, 120_000);

	it("forks a past step with another question and replays it into a different report", () => {
		const history = JSON.parse(
			node(cli, ["--db", db, "--json", "history", "ra"], dir, env).out,
		) as Array<{
			step: number;
			checkpointId: string;
			metadata: { nodes: string[] };
		}>;
		const input = history.find((h) => h.metadata.nodes.includes("__input__"))!;
		const before = readFileSync(join(dir, "reports", "report-ra.md"), "utf8");
		const fork = node(
			cli,
			[
				"--db",
				db,
				"--json",
				"fork",
				"ra",
				"--at",
				input.checkpointId,
				"--set",
				"question=What did presidents say about railroads and commerce?",
			],
			dir,
			env,
		);
		expect(fork.code).toBe(0);
		const replay = JSON.parse(
			node(
				cli,
				[
					"--db",
					db,
					"--json",
					"replay",
					"ra",
					"--from",
					JSON.parse(fork.out).checkpointId,
				],
				dir,
				env,
			).out,
		);
		expect(replay.status).toBe("interrupted");
		const approved = JSON.parse(
			node(cli, ["--db", db, "--json", "approve", "ra"], dir, env).out,
		);
		const after = readFileSync(approved.values.reportPath, "utf8");
		expect(after).toMatch(
			/^# What did presidents say about railroads and commerce\?/,
		);
		expect(after).not.toBe(before);
		const original = JSON.parse(
			node(
				cli,
				["--db", db, "--json", "show", "ra", "--at", history[0]!.checkpointId],
				dir,
				env,
			).out,
		);
		expect(original.values.question).toMatch(/education/);
	}, 120_000);

	it("rejects with a reason and loops back with the reason as feedback", () => {
		node(
			app,
			["--db", db, "--out", join(dir, "reports"), "--thread", "rb"],
			dir,
			env,
		);
		const rejected = JSON.parse(
			node(
				cli,
				["--db", db, "--json", "reject", "rb", "--reason", "cover taxes too"],
				dir,
				env,
			).out,
		);
		expect(rejected.status).toBe("interrupted");
		expect(rejected.values.feedback).toBe("cover taxes too");
		expect(rejected.values.subQuestions.join(" ")).toMatch(/tax/);
		expect(rejected.values.report).toContain(
			"Revised after review: cover taxes too",
		);
	}, 120_000);
});
