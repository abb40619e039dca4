// The demo's review prompt, answered meanwhile from another terminal (`weft approve`, CLI audit 4 Dec): the
// answer typed at the prompt afterwards printed the library's bare NO_PENDING_INTERRUPT; it now says the
// review was answered elsewhere and how to see the thread, and exits 0.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { weftMain } from "../../../test-setup/weft-cli.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const tsx = pathToFileURL(
	createRequire(join(root, "package.json")).resolve("tsx"),
).href;
const app = join(root, "apps/research-assistant/src/main.ts");
const quote = (w: string) => `'${w.replaceAll("'", "'\\''")}'`;

const hasScript = (() => {
	try {
		execFileSync("script", ["--version"]);
		return true;
	} catch {
		return false;
	}
})();

describe.skipIf(!hasScript)("the demo's review prompt", () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-ra-meanwhile-"));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("answered meanwhile from another process: says so, exits 0, and the other answer stands", async () => {
		const db = join(dir, "weft.db");
		const env = {
			...process.env,
			NO_COLOR: "1",
			OPENAI_API_KEY: "",
			ANTHROPIC_API_KEY: "",
			OLLAMA_HOST: "",
		};
		const command = [
			process.execPath,
			"--conditions",
			"@weft/source",
			"--import",
			tsx,
			app,
			"--db",
			db,
			"--out",
			join(dir, "reports"),
			"--thread",
			"ra",
		]
			.map(quote)
			.join(" ");
		// in a pseudo-terminal (util-linux script), so the demo asks at its prompt
		const child = spawn("script", ["-qfec", command, "/dev/null"], {
			cwd: dir,
			env,
			stdio: ["pipe", "pipe", "pipe"],
		});
		let out = "";
		const prompted = new Promise<void>((resolve) => {
			child.stdout.on("data", (d: Buffer) => {
				out += d;
				if (out.includes("edit [e]?")) resolve();
			});
		});
		const exited = new Promise<number>((resolve) =>
			child.on("close", (code) => resolve(code ?? -1)),
		);
		const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
		await prompted;
		const other = spawnSync(
			process.execPath,
			[weftMain, "--db", db, "reject", "ra", "--reason", "answered elsewhere"],
			{ cwd: dir, encoding: "utf8", env },
		);
		expect(other.status, other.stderr).toBe(0);
		child.stdin.write("a\r");
		const code = await exited;
		clearTimeout(timer);
		expect(out, out.slice(-1500)).toContain(
			"answered meanwhile from another process",
		);
		expect(out).not.toContain("NO_PENDING_INTERRUPT");
		expect(code).toBe(0);
	});
});
