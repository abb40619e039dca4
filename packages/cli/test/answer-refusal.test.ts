// An answer the request refuses is said before anything runs: no "resuming" line, and a refusal that
// names what the request takes (the allowed values, not zod's bare "Invalid input").
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

// each step starts a real `weft` process
vi.setConfig({ testTimeout: 600_000 });

const agent = join(root, "packages/cli/templates/agent/src/agent.ts");
const choice = join(root, "packages/cli/test/fixtures/choice-graph.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-refusal-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pendingCount = async (thread: string) =>
	(await weft([...db, "--json", "pending", "--thread", thread])).json.length;

describe("refused answers", () => {
	it("print no 'resuming' line: scopes that do not cover the request, a bad answer, a wrong id", async () => {
		const run = await weft([
			...db,
			"run",
			agent,
			"--thread",
			"mail",
			"--scopes",
			"mail:send",
			"-m",
			"Tell Bob hi",
		]);
		expect(run.code).toBe(0);
		for (const args of [
			["approve", "mail", "--scopes", "mail:read"],
			["resume", "mail", "--value", '{"action":"aprove"}'],
			["approve", "mail", "--id", "nope"],
		]) {
			const r = await weft([...db, ...args]);
			expect(r.code, args.join(" ")).not.toBe(0);
			expect(r.stdout, args.join(" ")).not.toContain("resuming");
			// the refusal alone: no "failed" line for a run that never took the answer
			expect(r.stdout, args.join(" ")).not.toMatch(/^failed/m);
			expect(r.stderr, args.join(" ")).toMatch(
				/error (VALIDATION_FAILED|USAGE)/,
			);
		}
		expect(await pendingCount("mail")).toBe(1);
		const ok = await weft([...db, "approve", "mail"]);
		expect(ok.code).toBe(0);
		expect(ok.stdout).toContain("resuming thread mail");
		expect(ok.stdout).toContain("done · thread mail");
	});

	it("name the allowed values of a union of literals, an enum and the approval's action", async () => {
		expect((await weft([...db, "run", choice, "--thread", "pick"])).code).toBe(
			0,
		);
		const colour = await weft([
			...db,
			"resume",
			"pick",
			"--value",
			'{"colour":"blue"}',
		]);
		expect(colour.code).toBe(1);
		expect(colour.stderr).toContain('colour: expected one of "red", "green"');
		const size = await weft([
			...db,
			"--json",
			"resume",
			"pick",
			"--value",
			'{"colour":"red","size":"xl"}',
		]);
		expect(size.json.error.message).toContain('size: expected one of "s", "m"');
		expect(size.json.error.issues[0]).toMatchObject({
			path: ["size"],
			values: ["s", "m"],
		});
		expect(await pendingCount("pick")).toBe(1);

		await weft([
			...db,
			"run",
			agent,
			"--thread",
			"mail-2",
			"--scopes",
			"mail:send",
			"-m",
			"Tell Ann hi",
		]);
		const action = await weft([
			...db,
			"resume",
			"mail-2",
			"--value",
			'{"action":"aprove"}',
		]);
		expect(action.code).toBe(1);
		expect(action.stderr).not.toMatch(/: Invalid input$/m);
		expect(action.stderr).toContain(
			'action: expected one of "approve", "reject", "edit"',
		);
	});
});
