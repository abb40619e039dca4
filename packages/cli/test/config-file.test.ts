// weft.json as users write it: `weft dev` in the folder of a weft.json reads it without --config (as
// `langgraph dev` reads langgraph.json), and a weft.json saved with a byte order mark (Windows editors)
// reads as JSON. Found from outside (7 Dec): `weft dev` there said "needs a graph", and a BOM made
// "Unexpected token '\ufeff' … is not valid JSON".
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, weftMain } from "../../../test-setup/weft-cli.ts";
import {
	freshDatabase,
	postgresAvailable,
} from "../../server/test/fixtures/processes.ts";
import { weft } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-config-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const graph = join(root, "packages/cli/test/fixtures/review-graph.ts");
const withPostgres = await postgresAvailable();

/** `weft <args>` in `cwd`: its output once it listens (then stopped), or once it exits. */
function server(cwd: string, args: string[]): Promise<string> {
	const child = spawn(process.execPath, [weftMain, ...args], {
		cwd,
		env: { ...process.env, NO_COLOR: "1" },
		stdio: ["ignore", "pipe", "pipe"],
	});
	let out = "";
	return new Promise((resolve) => {
		const read = (d: Buffer) => {
			out += d;
			if (out.includes("listening on")) child.kill("SIGTERM");
		};
		child.stdout.on("data", read);
		child.stderr.on("data", read);
		child.on("close", () => resolve(out));
	});
}

/** `weft dev --port 0 …` in `cwd` (`server`). */
const dev = (cwd: string, args: string[] = []) =>
	server(cwd, ["--db", join(cwd, "w.db"), "dev", "--port", "0", ...args]);

function folder(name: string, config: string): string {
	const cwd = join(dir, name);
	mkdirSync(cwd, { recursive: true });
	writeFileSync(join(cwd, "weft.json"), config);
	return cwd;
}

describe("weft.json", () => {
	it("weft dev in its folder reads it without --config", async () => {
		const cwd = folder("plain", JSON.stringify({ graphs: { review: graph } }));
		const out = await dev(cwd);
		expect(out).toContain("listening on");
		expect(out).toContain("graphs: review");
	}, 60_000);

	it("a weft.json with a byte order mark reads as JSON", async () => {
		const cwd = folder(
			"bom",
			`\ufeff${JSON.stringify({ graphs: { review: graph }, cors: false })}`,
		);
		const out = await dev(cwd, ["--config", "weft.json"]);
		expect(out).not.toContain("not valid JSON");
		expect(out).toContain("graphs: review");
	}, 60_000);

	it.runIf(withPostgres)(
		"weft serve in its folder reads it without --config",
		async () => {
			const cwd = folder(
				"serve",
				JSON.stringify({ graphs: { review: graph } }),
			);
			const db = await freshDatabase("weft_config_file");
			try {
				const out = await server(cwd, [
					"serve",
					"--postgres",
					db.url,
					"--port",
					"0",
				]);
				expect(out).toContain("listening on");
				expect(out).toContain("graphs: review");
			} finally {
				await db.drop();
			}
		},
		60_000,
	);

	it("--graph given: the folder's weft.json is not read", async () => {
		const cwd = folder("explicit", "{ not json");
		const out = await dev(cwd, ["--graph", `g=${graph}`]);
		expect(out).toContain("graphs: g");
	}, 60_000);
});

describe("@file.json values", () => {
	it("a file with a byte order mark reads as JSON", async () => {
		const file = join(dir, "input.json");
		writeFileSync(file, `\ufeff${JSON.stringify({ question: "sky" })}`);
		const r = await weft([
			"--db",
			join(dir, "input.db"),
			"run",
			join(root, "packages/cli/test/fixtures/eval-graph.ts"),
			"--thread",
			"bom",
			"--input",
			`@${file}`,
		]);
		expect(r.stderr).not.toContain("not valid JSON");
		expect(r.stdout).toContain("done · thread bom");
	}, 60_000);
});
