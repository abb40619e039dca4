// `pnpm weft` runs in the package root (pnpm starts scripts there): the paths a user types are still
// read from the folder the command was typed in (INIT_CWD), as with a `weft` on the PATH.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-user-folder-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("pnpm weft from a subfolder", () => {
	it("reads a module path relative to the folder it was typed in", () => {
		const r = spawnSync(
			"pnpm",
			[
				"-s",
				"weft",
				"--db",
				join(dir, "w.db"),
				"run",
				"../packages/cli/test/fixtures/eval-graph.ts",
				"--thread",
				"sub",
				"--input",
				'{"question":"sky"}',
			],
			{
				// a folder of the checkout without a package.json of its own: pnpm runs the root's script
				cwd: join(root, "docs"),
				encoding: "utf8",
				env: { ...process.env, NO_COLOR: "1" },
				timeout: 120_000,
			},
		);
		expect(r.stderr).not.toContain("no graph module");
		expect(r.status).toBe(0);
		expect(r.stdout).toContain("done · thread sub");
	}, 120_000);
});
