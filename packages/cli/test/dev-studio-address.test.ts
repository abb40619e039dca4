// Outside check (7 Dec): `weft dev` printed `studio: http://…/studio/` whether or not the studio was built;
// without its build that address answers 404. The address is printed only when it opens; otherwise the
// line says the studio is not built and the next says how to build it.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { root, weftCommand } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-dev-studio-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const graph = join(root, "packages/cli/test/fixtures/review-graph.ts");

it("weft dev prints the studio's address only when /studio/ opens", async () => {
	const child = spawn(
		weftCommand[0]!,
		[
			...weftCommand.slice(1),
			"--db",
			join(dir, "w.db"),
			"dev",
			"--port",
			"0",
			"--graph",
			`review=${graph}#graph`,
		],
		{
			cwd: dir,
			env: { ...process.env, NO_COLOR: "1" },
			stdio: ["ignore", "pipe", "pipe"],
		},
	);
	const closed = new Promise((resolve) => child.on("close", resolve));
	let out = "";
	const port = await new Promise<string>((resolve, reject) => {
		child.stdout.on("data", (d: Buffer) => {
			out += d;
			const m = /listening on http:\/\/[^:]+:(\d+)[^\n]*\n(?:.*\n)?/.exec(out);
			if (m !== null && (out.includes("studio: http") || out.includes("build")))
				resolve(m[1]!);
		});
		child.stderr.on("data", (d: Buffer) => {
			out += d;
		});
		child.on("close", () => reject(new Error(out)));
	});
	try {
		const r = await fetch(`http://127.0.0.1:${port}/studio/`);
		const built = existsSync(join(root, "apps/studio/dist/index.html"));
		expect(r.status).toBe(built ? 200 : 404);
		if (built)
			expect(out).toContain(`studio: http://127.0.0.1:${port}/studio/`);
		else {
			expect(out).not.toContain("/studio/)");
			expect(out).toContain("studio: not built");
			expect(out).toContain("pnpm --filter @weft/studio build");
		}
	} finally {
		child.kill("SIGTERM");
		await closed;
	}
}, 60_000);
