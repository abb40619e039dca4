// `npx weft …` in a project that installed @weft/cli: the commands the CLI prints to paste say `npx weft`,
// since there is no `weft` on the PATH there. Found from outside (7 Dec): they said `weft approve …`.
import { spawnSync } from "node:child_process";
import {
	mkdirSync,
	mkdtempSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-npx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("weft started by npx", () => {
	it("prints its commands as npx weft", () => {
		// the project's bin, as npm links it
		mkdirSync(join(dir, "node_modules/.bin"), { recursive: true });
		symlinkSync(
			join(root, "packages/cli/bin/weft.mjs"),
			join(dir, "node_modules/.bin/weft"),
		);
		writeFileSync(join(dir, "package.json"), '{ "name": "project" }\n');
		const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
		// what a test runner started by npx, or pnpm, left in the environment is not this command's
		for (const key of Object.keys(env))
			if (key.startsWith("npm_")) delete env[key];
		const r = spawnSync(
			"npx",
			[
				"weft",
				"--db",
				join(dir, "w.db"),
				"run",
				join(root, "packages/cli/test/fixtures/review-graph.ts"),
				"--thread",
				"t1",
				"--input",
				'{"topic":"x"}',
			],
			{ cwd: dir, encoding: "utf8", env, timeout: 120_000 },
		);
		expect(r.stderr).toBe("");
		const list = spawnSync(
			"npx",
			["weft", "--db", join(dir, "w.db"), "eval", "list"],
			{
				cwd: dir,
				encoding: "utf8",
				env,
				timeout: 120_000,
			},
		);
		expect(list.stdout).toContain(
			`no evaluation runs yet: npx weft --db ${join(dir, "w.db")} eval <module>`,
		);
		expect(r.stdout).toContain(
			`answer with: npx weft --db ${join(dir, "w.db")} approve t1`,
		);
	}, 120_000);
});
