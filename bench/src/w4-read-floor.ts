// W4-g's floor: reading the state at checkpoint #100 of W4's agent loop (in-memory store, from dist)
// against decoding that state from one blob with Weft's serializer (what any read of a full state does:
// parse its JSON and rebuild its LangChain messages) and against `JSON.parse` of that blob's text alone.
// CPU time per read, medians of rounds. Not part of `pnpm bench`; see docs/benchmarks.md ("W4-g").
//   node --expose-gc --import tsx bench/src/w4-read-floor.ts [rounds=15] [perRound=200]
import { JsonSerializer, MemoryCheckpointer } from "@weft/checkpoint";
import { median } from "./stats.ts";
import { w4CheckpointAt100 } from "./weft/agent-loop.ts";

const [rounds = 15, perRound = 200] = process.argv.slice(2).map(Number);
const store = new MemoryCheckpointer();
const { graph, thread, at } = await w4CheckpointAt100(store);
const state = await graph.getState({ ...thread, checkpointId: at });

const chain = await store.getChain({ ...thread, ns: "", checkpointId: at });
const serializer = new JsonSerializer();
const place = { threadId: "w4", ns: "", checkpointId: at };
const blob = serializer.serialize(state.values, place);
const text = new TextDecoder().decode(blob.subarray(1));

/** Median CPU µs of one call, over `rounds` rounds of `perRound` calls (after one round of warm-up). */
async function cpu(fn: () => unknown): Promise<number> {
	const out: number[] = [];
	for (let r = -1; r < rounds; r++) {
		const c0 = process.cpuUsage();
		for (let i = 0; i < perRound; i++) await fn();
		const c = process.cpuUsage(c0);
		if (r >= 0) out.push((c.user + c.system) / perRound);
	}
	return median(out);
}

const read = await cpu(() => graph.getState({ ...thread, checkpointId: at }));
const decode = await cpu(() => serializer.deserialize(blob, place));
const parse = await cpu(() => JSON.parse(text));
console.log(
	`W4-g: the state at #100 (${state.values.messages.length} messages, ${blob.byteLength} bytes as one blob)`,
);
console.log(
	`  its chain: the snapshot at step ${chain[0]?.step} and ${chain.length - 1} deltas`,
);
console.log(`  getState at #100:              ${read.toFixed(0)} µs CPU`);
console.log(
	`  decode that state from one blob: ${decode.toFixed(0)} µs (${((100 * decode) / read).toFixed(0)} % of the read)`,
);
console.log(
	`  JSON.parse of its text alone:   ${parse.toFixed(0)} µs (${((100 * parse) / read).toFixed(0)} %)`,
);
