// Decision 0014, "no cost when off": with nothing registered with OpenTelemetry, importing Weft and
// running graphs does not load `@opentelemetry/api` (checked in a fresh process).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const tsx = pathToFileURL(
	createRequire(join(root, "package.json")).resolve("tsx"),
).href;
const script = fileURLToPath(
	new URL("./fixtures/off-process.ts", import.meta.url),
);

function runOff(...args: string[]): { statuses: string[]; loaded: string[] } {
	const child = spawnSync(
		process.execPath,
		["--conditions", "@weft/source", "--import", tsx, script, ...args],
		{ encoding: "utf8", timeout: 120_000 },
	);
	expect(child.stderr).toBe("");
	return JSON.parse(child.stdout) as { statuses: string[]; loaded: string[] };
}

describe("telemetry off", () => {
	it("importing @weft/graph and running graphs does not load @opentelemetry/api", () => {
		const off = runOff();
		expect(off.statuses).toEqual(["done", "done"]);
		expect(off.loaded).toEqual([]);
	});

	it("the check sees the API when something imported it", () => {
		const control = runOff("control");
		expect(control.statuses).toEqual(["done", "done"]);
		expect(control.loaded.length).toBeGreaterThan(0);
	});
});
