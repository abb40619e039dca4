// CI's smoke run of the command itself: `pnpm bench --quick --weft-only --built` runs every workload in
// fresh processes from the dist the test run built (test-setup/build-cli.ts; the bench's own build would
// rewrite the dist under other tests' processes), and must find every result valid. No timing is asserted.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("pnpm bench --quick --weft-only --built", () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-bench-"));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("runs every workload on Weft and reports them all valid", async () => {
		const r = await run(
			"pnpm",
			["bench", "--quick", "--weft-only", "--built"],
			{
				...process.env,
				WEFT_BENCH_RESULTS: dir,
			},
		);
		expect(r.status, r.stderr).toBe(0);
		expect(r.stderr).not.toContain("INVALID");
		const json = JSON.parse(
			readFileSync(join(dir, "latest-quick-weft-only.json"), "utf8"),
		) as { lines: Array<{ workload: string; valid: boolean }> };
		expect(new Set(json.lines.map((l) => l.workload))).toEqual(
			new Set(["w1", "w2", "w3", "w4", "w5", "l1", "w6", "t1"]),
		);
		expect(json.lines.every((l) => l.valid)).toBe(true);
		expect(r.stdout).toMatch(/\| L1 \|/);
		// the compiled rows beside W1a, W5 and L1
		for (const id of ["W1a-c", "W5-c", "L1-c"])
			expect(r.stdout).toMatch(
				new RegExp(`\\| ${id} \\| [^|]+\\| [^|]+\\| \\d`),
			);
		expect(r.stdout).toMatch(/\| T1 \|/);
	}, 300_000);
});

/**
 * Runs a command without blocking this worker: the bench takes longer than vitest's worker RPC timeout,
 * and a synchronous spawn would starve the worker's connection to the runner for that long.
 */
function run(
	command: string,
	args: string[],
	env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, { cwd: root, env });
		let stdout = "";
		let stderr = "";
		child.stdout.setEncoding("utf8").on("data", (d: string) => {
			stdout += d;
		});
		child.stderr.setEncoding("utf8").on("data", (d: string) => {
			stderr += d;
		});
		child.on("error", reject);
		child.on("close", (status) => resolve({ status, stdout, stderr }));
	});
}
