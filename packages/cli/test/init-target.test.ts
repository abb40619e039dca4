// `weft init` on a place it cannot write a project to: a usage error that says why, not UNEXPECTED.
import { spawnSync } from "node:child_process";
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 120_000 });

const dir = mkdtempSync(join(tmpdir(), "weft-init-target-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, "notes.txt");
writeFileSync(file, "mine\n");

describe("weft init where no project can be written", () => {
	it("a file: says it is a file", async () => {
		const r = await weft(["init", file]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(`${file} is a file, not a folder`);
		expect(r.stderr).not.toContain("UNEXPECTED");
	});

	it("a folder inside a file: says it cannot be created, and why", async () => {
		const r = await weft(["init", join(file, "agent")]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(
			`cannot write a project to ${join(file, "agent")}`,
		);
		expect(r.stderr).not.toContain("UNEXPECTED");
	});

	it("a folder that is not empty: suggests a name not taken yet", async () => {
		for (const taken of ["my-agent", "my-agent-2"]) {
			mkdirSync(join(dir, taken));
			writeFileSync(join(dir, taken, "notes.txt"), "mine\n");
		}
		const r = await weft(["init", "my-agent"], { cwd: dir });
		expect(r.code).toBe(2);
		expect(r.stderr).toContain("is not empty");
		expect(r.stderr).toContain("pick a new folder: `weft init my-agent-3`");
	});
});

describe("weft init into a folder inside the Weft checkout", () => {
	// found from outside (7 Dec): `pnpm install` there installed the checkout's workspace, and the
	// project's `pnpm test` failed with ERR_MODULE_NOT_FOUND @weft/graph
	it("refuses it, naming a folder outside the checkout, and writes nothing", async () => {
		const inside = join(root, "packages", "my-agent-inside");
		const r = await weft(["init", inside]);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(
			`error USAGE ${inside} is inside the Weft checkout`,
		);
		expect(r.stderr).toContain(
			`hint: choose a folder outside ${root.replace(/\/$/, "")}: \`weft init ${join(root, "..", "my-agent-inside")}`,
		);
		expect(existsSync(inside)).toBe(false);
	});
});

// Found from outside (7 Dec): weft installed from its packages (npm install of the packed @weft/cli), not
// run from a checkout, failed `weft init` with UNEXPECTED ENOENT lstat '…/node_modules/packages'.
describe("weft init by a weft installed from its package", () => {
	it("says it makes projects linked to a checkout, and how to get one", () => {
		const cli = join(dir, "installed/node_modules/@weft/cli");
		mkdirSync(cli, { recursive: true });
		for (const part of ["dist", "bin", "templates", "package.json"])
			cpSync(join(root, "packages/cli", part), join(cli, part), {
				recursive: true,
			});
		symlinkSync(
			join(root, "packages/cli/node_modules"),
			join(cli, "node_modules"),
		);
		const target = join(dir, "from-installed");
		const r = spawnSync(
			process.execPath,
			[join(cli, "bin/weft.mjs"), "init", target],
			{
				encoding: "utf8",
				timeout: 60_000,
				env: { ...process.env, NO_COLOR: "1" },
			},
		);
		expect(r.stderr).toContain("error USAGE");
		expect(r.stderr).toContain("linked to a checkout of Weft");
		expect(r.stderr).toContain("pnpm weft init");
		expect(r.stderr).not.toContain("UNEXPECTED");
		expect(r.status).toBe(2);
		expect(existsSync(target)).toBe(false);
	});
});
