// Found from outside (6 Dec): in a checkout whose path held a space, `pnpm weft` (and `pnpm demo`) printed
// nothing and exited 0: "is this the script run?" compared import.meta.url (a URL: %20) with argv[1] (a
// path). It compares real paths now, so a path with a space, or reached through a symlink, runs.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, sourceScriptCommand } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft entry "));
const checkout = join(dir, "a checkout #1");
symlinkSync(root, checkout);
// where npm links a package's bin (node_modules/.bin/weft, or a global prefix's bin/weft)
const bin = join(dir, "node_modules/.bin");
mkdirSync(bin, { recursive: true });
symlinkSync(join(checkout, "packages/cli/bin/weft.mjs"), join(bin, "weft"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("weft started by a path with a space, through a symlink", () => {
	it.each([
		[
			"the build",
			[process.execPath, join(checkout, "packages/cli/dist/main.js")],
		],
		[
			"the source",
			[...sourceScriptCommand, join(checkout, "packages/cli/src/main.ts")],
		],
		// found from outside (7 Dec): installed from npm, `npx weft` printed nothing and exited 0 (the bin's
		// real path is bin/weft.mjs, its argv[1] node_modules/.bin/weft)
		["the published bin, through npm's link", [join(bin, "weft")]],
		[
			"the published bin, through npm's link, by node",
			[process.execPath, join(bin, "weft")],
		],
	])("%s: answers --version", (_from, command) => {
		const r = spawnSync(command[0]!, [...command.slice(1), "--version"], {
			encoding: "utf8",
			timeout: 60_000,
		});
		expect(r.stderr).toBe("");
		expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
		expect(r.status).toBe(0);
	});
});
