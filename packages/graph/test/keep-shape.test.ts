// Each per-run class keeps its newest object alive (decision 0196): V8 holds the hidden classes its fields
// lead to only through such objects, and a full GC with none left throws away the optimized code that
// checked for them (the loop, the step, the commit). The newest object is kept, and released when the
// next one is made: a finished run's objects do not outlive the next run. Checked with the public
// classes that go through the same call, in a fresh process with `gc()`.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const graphDir = fileURLToPath(new URL("..", import.meta.url));

const SCRIPT = `
const { Command, Send } = await import("@weft/graph");
const turn = () => new Promise((resolve) => setTimeout(resolve, 0)); // a WeakRef holds until the job ends
const collected = async (ref) => { await turn(); gc(); return ref.deref() === undefined; };
// made in a function of its own: an async function's suspended frame would hold the object itself
const refTo = (make) => new WeakRef(make(1));
const out = {};
for (const [name, make] of [["Command", (i) => new Command({ resume: i })], ["Send", (i) => new Send("n", { i })]]) {
	const first = refTo(make);
	const newestKept = !(await collected(first));
	make(2);
	out[name] = { newestKept, releasedByTheNext: await collected(first) };
}
console.log(JSON.stringify(out));
`;

describe("keepShape", () => {
	it("keeps the newest object of a class through a full GC, and lets it go once another is made", () => {
		const out = execFileSync(
			process.execPath,
			["--expose-gc", "--input-type=module", "-e", SCRIPT],
			{ cwd: graphDir, encoding: "utf8" },
		);
		const kept = { newestKept: true, releasedByTheNext: true };
		expect(JSON.parse(out)).toEqual({ Command: kept, Send: kept });
	});
});
