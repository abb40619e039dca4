// Issue 17: a step's task list stays a packed array once planTasks is optimized. V8's optimized
// `Array.prototype.map` returns holey arrays where the builtin returns packed ones; a task list that
// turned holey when planTasks tiered up deoptimized, at once, every consumer compiled for packed lists
// (the commit, the serializer, the run loop). Checked in a fresh process with V8's natives.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const tsx = pathToFileURL(
	createRequire(join(root, "package.json")).resolve("tsx"),
).href;
const script = fileURLToPath(
	new URL("./fixtures/packed-plans.ts", import.meta.url),
);

describe("planTasks under V8's optimizing compiler", () => {
	it("returns packed task lists, where `.map` would return holey ones", () => {
		const child = spawnSync(
			process.execPath,
			["--allow-natives-syntax", "--import", tsx, script],
			{ encoding: "utf8", timeout: 60_000 },
		);
		expect(child.stderr).toBe("");
		const out = JSON.parse(child.stdout) as {
			planned: boolean;
			control: boolean;
		};
		// the control shows the check can see a holey list (V8 12 in Node 20–22 makes `.map`'s holey)
		expect(out.control).toBe(true);
		expect(out.planned).toBe(false);
	});
});
