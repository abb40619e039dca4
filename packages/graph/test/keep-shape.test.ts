// Each per-run class keeps its newest object alive (decision 0196): V8 holds the hidden classes its fields
// lead to only through such objects, and a full GC with none left throws away the optimized code that
// checked for them (the loop, the step, the commit). The newest object is kept, and released when the
// next one is made: a finished run's objects do not outlive the next run. Classes that carry a user's
// payload and that a run need not make (`Command`, `Send`, a subgraph's result) keep nothing: their
// newest object would hold its payload for as long as no other is made (outside check, 6 Dec: a 40 MB
// `Command` update, `Send` argument or subgraph result stayed through 1,000 later runs). Checked in a
// fresh process with `gc()`.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const graphDir = fileURLToPath(new URL("..", import.meta.url));

/** Runs `body` (an ES module's text) in a fresh process with `gc()`; its last line of output, parsed. */
function inFreshProcess(body: string, flags: string[] = []): unknown {
	const out = execFileSync(
		process.execPath,
		["--expose-gc", ...flags, "--input-type=module", "-e", body],
		{ cwd: graphDir, encoding: "utf8" },
	);
	return JSON.parse(out.trim().split("\n").pop()!);
}

const COLLECTED = `
const turn = () => new Promise((resolve) => setTimeout(resolve, 0)); // a WeakRef holds until the job ends
const collected = async (ref) => { for (let i = 0; i < 3; i++) { await turn(); gc(); } return ref.deref() === undefined; };
`;

describe("keepShape", () => {
	it("keeps the newest object of a class through a full GC, and lets it go once another is made", () => {
		const out = inFreshProcess(
			`${COLLECTED}
const { newestKeeper } = await import("./src/runtime/keep-shape.ts");
const keep = newestKeeper();
class Kept { constructor(i) { keep(this); this.i = i; } }
// made in a function of its own: an async function's suspended frame would hold the object itself
const refTo = (i) => new WeakRef(new Kept(i));
const first = refTo(1);
const newestKept = !(await collected(first));
new Kept(2);
console.log(JSON.stringify({ newestKept, releasedByTheNext: await collected(first) }));
`,
			["--import", "tsx"],
		);
		expect(out).toEqual({ newestKept: true, releasedByTheNext: true });
	});

	it("keeps no Command update, Send argument or subgraph result after the run, and no state after the next run", () => {
		const out = inFreshProcess(`${COLLECTED}
const { Command, END, Send, START, StateGraph } = await import("@weft/graph");
const { z } = await import("zod");
const State = z.object({ items: z.array(z.string()).default([]), n: z.number().default(0) });
const big = (tag) => Array.from({ length: 1000 }, (_, i) => tag + i);
const refs = {};
const graphs = {
	command: () => new StateGraph(State)
		.addNode("load", () => { const items = big("c"); refs.command = new WeakRef(items); return new Command({ update: { items }, goto: END }); }, { ends: [END] })
		.addEdge(START, "load").compile(),
	send: () => new StateGraph(State)
		.addNode("work", (s) => ({ n: s.items.length }))
		.addConditionalEdges(START, () => { const items = big("s"); refs.send = new WeakRef(items); return [new Send("work", { items })]; }, ["work"])
		.addEdge("work", END).compile(),
	// the parent's state ends with the items its subgraph wrote (taken from the run's result below)
	subgraph: () => {
		const child = new StateGraph(State)
			.addNode("load", () => ({ items: big("g") }))
			.addEdge(START, "load").addEdge("load", END).compile();
		return new StateGraph(State).addNode("child", child).addEdge(START, "child").addEdge("child", END).compile();
	},
	state: () => new StateGraph(State)
		.addNode("load", () => { const items = big("t"); refs.state = new WeakRef(items); return { items }; })
		.addEdge(START, "load").addEdge("load", END).compile(),
};
// each graph run once and dropped, then one run of another graph
const runOnce = async (make, input) => (await make().invoke(input)).items;
for (const [name, make] of Object.entries(graphs)) {
	const items = await runOnce(make, {});
	if (name === "subgraph") refs.subgraph = new WeakRef(items);
}
await runOnce(() => new StateGraph(z.object({ n: z.number() })).addNode("a", (s) => ({ n: s.n + 1 })).addEdge(START, "a").addEdge("a", END).compile(), { n: 0 });
const out = {};
for (const name of Object.keys(graphs)) out[name] = await collected(refs[name]);
console.log(JSON.stringify(out));
`);
		expect(out).toEqual({
			command: true,
			send: true,
			subgraph: true,
			state: true,
		});
	});
});
