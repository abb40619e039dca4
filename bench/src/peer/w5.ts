// W5 on LangGraph.js: interrupt → Command({ resume }) cycles with MemorySaver, on SqliteSaver (a file),
// and answered from a new process.
import { extname, join } from "node:path";
import {
	type BaseCheckpointSaver,
	Command,
	MemorySaver,
} from "@langchain/langgraph";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import type { Sizes } from "../sizes.ts";
import { runW5, type W5Engine } from "../w5-cycles.ts";
import { reviewGraph } from "./w5-graph.ts";

function engine(saver: BaseCheckpointSaver): W5Engine {
	let bodies = 0;
	const graph = reviewGraph(saver, () => bodies++);
	const cfg = (id: string) => ({ configurable: { thread_id: id } });
	return {
		pause: async (id) => {
			const r = await graph.invoke({ request: `req-${id}` }, cfg(id));
			return (
				(r as { __interrupt__?: unknown[] }).__interrupt__?.length === 1 &&
				r.result === undefined
			);
		},
		resume: async (id) =>
			(await graph.invoke(new Command({ resume: `ok-${id}` }), cfg(id))).result,
		reviewBodies: () => bodies,
	};
}

export function w5(p: Sizes["w5"]) {
	return runW5(
		{
			memory: () => engine(new MemorySaver()),
			sqlite: (path) => {
				const saver = SqliteSaver.fromConnString(path);
				return {
					engine: engine(saver),
					close: () =>
						(saver as unknown as { db: { close(): void } }).db.close(),
				};
			},
			// .ts through tsx, .js when the harness runs compiled (decision 0046)
			child: join(
				import.meta.dirname,
				`w5-child${extname(import.meta.filename)}`,
			),
		},
		p,
		"lg-w5-",
	);
}
