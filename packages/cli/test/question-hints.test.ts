// Outside check (7 Dec): a question asked with `human(name).ask` whose response has no `action` was
// answered, in every hint, with `weft approve` / `weft reject`, which its response schema refuses. The
// hints now name `weft resume --value` with a value of the response's shape.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { root, weft, weftCommand } from "./run-cli.ts";

const graph = fileURLToPath(
	new URL("./fixtures/question-graph.ts", import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), "weft-question-hints-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const db = join(dir, "weft.db");
const run = (thread: string, ...more: string[]) =>
	weft(["--db", db, "run", `${graph}#graph`, "--thread", thread, ...more]);

describe("the hints for a question whose answer is no approval", () => {
	it("after the run pauses: `answer with:` names resume with the response's shape, which answers it when pasted", async () => {
		const paused = await run("t1", "--input", '{"topic":"tides"}');
		expect(paused.code, paused.stderr).toBe(0);
		const hint = paused.stdout
			.split("\n")
			.find((l) => l.includes("answer with:"));
		expect(hint).toBe(
			`answer with: weft --db ${db} resume t1 --value '{"answer":"…"}' (it may also give confident)`,
		);
		const command = hint!
			.replace(/^answer with: /, "")
			.replace(/ \(it may.*$/, "")
			.replace("…", "spring tides");
		const shell = spawnSync(
			"bash",
			[
				"-c",
				`weft() { ${weftCommand.map((a) => `'${a}'`).join(" ")} "$@"; }; ${command}`,
			],
			{ cwd: root, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
		);
		expect(shell.status, shell.stderr).toBe(0);
		const state = await weft(["--db", db, "--json", "show", "t1"]);
		expect(state.json.values.answer).toBe("spring tides");
	}, 90_000);

	it("approve refused by the question, a run with no input, a continue and a recover name resume, not approve", async () => {
		expect((await run("t2", "--input", '{"topic":"moons"}')).code).toBe(0);
		const approve = await weft(["--db", db, "approve", "t2"]);
		expect(approve.code).toBe(1);
		expect(approve.stderr).toContain("error VALIDATION_FAILED");
		expect(approve.stderr).toContain(
			`hint: this question is not an approval: its answer has no action, so \`approve\` cannot answer it; answer with \`weft --db ${db} resume t2 --value '{"answer":"…"}'\` (it may also give confident); the request is still pending`,
		);
		const again = await run("t2");
		expect(again.code).toBe(2);
		expect(again.stderr).toContain(
			`answer it with \`weft --db ${db} resume t2 --value '{"answer":"…"}'\``,
		);
		expect(again.stderr).not.toContain("approve");
		const goOn = await weft(["--db", db, "continue", "t2"]);
		expect(goOn.code).toBe(2);
		expect(goOn.stderr).toContain(`resume t2 --value '{"answer":"…"}'`);
		expect(goOn.stderr).not.toContain("approve");
		const recover = await weft(["--db", db, "recover", "t2"]);
		expect(recover.code).toBe(2);
		expect(recover.stderr).toContain("waiting for an answer, not stale");
		expect(recover.stderr).toContain(`resume t2 --value '{"answer":"…"}'`);
		expect(recover.stderr).not.toContain("approve");
		const pending = await weft(["--db", db, "--json", "pending"]);
		expect(pending.json).toHaveLength(1);
	}, 90_000);
});
