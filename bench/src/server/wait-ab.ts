// runs.wait on two builds of `weft serve` + 1 worker at once, run by run: this worktree's and another's
// (e.g. a worktree of main), each on its own fresh database, one run on A, then one on B, and so on, so
// that a shared machine's load falls on both alike. Prints each side's p50 and the median of the
// per-pair differences.
//   WEFT_TEST_DB_PREFIX=wt_x node --import tsx bench/src/server/wait-ab.ts --base /work/wt/base [--runs 60]
import { join } from "node:path";
import { parseArgs } from "node:util";
import { GRAPH, input, newClient } from "./load.ts";
import { type Target, weftServe } from "./targets.ts";

const { values } = parseArgs({
	options: {
		base: { type: "string" },
		runs: { type: "string", default: "60" },
		warmup: { type: "string", default: "10" },
		turns: { type: "string", default: "3" },
	},
});
if (values.base === undefined) throw new Error("--base <worktree> is required");
const turns = Number(values.turns);
const other = (await import(
	join(values.base, "bench/src/server/targets.ts")
)) as { weftServe: typeof weftServe };
const options = { workers: 1, concurrency: 16, dbPrefix: "_ab" };
const targets: Target[] = [];
try {
	targets.push(await other.weftServe(options), await weftServe(options));
	const clients = targets.map((t) => newClient(t.url));
	const one = async (i: number) => {
		const client = clients[i]!;
		const thread = await client.threads.create();
		const t0 = performance.now();
		await client.runs.wait(thread.thread_id, GRAPH, { input: input(turns) });
		return performance.now() - t0;
	};
	for (let i = 0; i < Number(values.warmup); i++) {
		await one(0);
		await one(1);
	}
	const ms: [number[], number[]] = [[], []];
	for (let i = 0; i < Number(values.runs); i++) {
		// alternate which side goes first
		const order = i % 2 === 0 ? [0, 1] : [1, 0];
		for (const side of order) ms[side as 0 | 1].push(await one(side));
	}
	const med = (a: number[]) =>
		[...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
	const diffs = ms[1].map((b, i) => b - ms[0][i]!);
	console.log(
		`runs.wait p50: base ${med(ms[0]).toFixed(2)} ms, this ${med(ms[1]).toFixed(2)} ms; median of paired differences (this − base) ${med(diffs).toFixed(2)} ms over ${diffs.length} pairs`,
	);
} finally {
	await Promise.all(targets.map((t) => t.stop()));
}
