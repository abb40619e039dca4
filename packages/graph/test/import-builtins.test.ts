// Importing Weft loads no Node built-in it only needs for a first id, hash or host name: `node:crypto`
// alone brings ≈ 35 internal modules (streams included), ≈ 5 ms of a cold start on the bench's VMs, so
// its users take it with `process.getBuiltinModule` when called (decision 0192). Checked in a fresh
// process on the build, as an app imports it.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const graphDir = fileURLToPath(new URL("..", import.meta.url));

/** The built-in modules a fresh process loads while it runs `code` (an ES module's body). */
function loadedBy(code: string): string[] {
	const script = `const before = new Set(process.moduleLoadList);
${code}
console.log(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))));`;
	const out = execFileSync(
		process.execPath,
		["--input-type=module", "-e", script],
		{ cwd: graphDir, encoding: "utf8" },
	);
	return JSON.parse(out) as string[];
}

const HEAVY = /^NativeModule (crypto|os|util|stream)$/;

describe("what importing Weft loads", () => {
	it("@weft/graph and @weft/checkpoint load neither node:crypto, node:os, node:util nor streams", () => {
		const loaded = loadedBy(
			'await import("@weft/graph"); await import("@weft/checkpoint");',
		);
		expect(loaded.filter((m) => HEAVY.test(m))).toEqual([]);
	});

	it("a run takes them when it needs them: ids, interrupt ids and the runner's host name", () => {
		const loaded = loadedBy(`
const { Command, MemoryCheckpointer, START, StateGraph } = await import("@weft/graph");
const { z } = await import("zod");
const graph = new StateGraph(z.object({ n: z.number() }))
	.addNode("ask", async (_s, ctx) => ({ n: await ctx.interrupt("how many?") }))
	.addEdge(START, "ask")
	.compile({ checkpointer: new MemoryCheckpointer() });
const paused = await graph.run({ n: 0 }, { threadId: "t" });
const done = await graph.run(new Command({ resume: 3 }), { threadId: "t" });
if (paused.interrupts.length !== 1 || done.values.n !== 3) throw new Error("not answered");`);
		expect(loaded).toContain("NativeModule crypto");
		expect(loaded).toContain("NativeModule os");
	});
});
