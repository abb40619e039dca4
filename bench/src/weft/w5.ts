// W5 on Weft: interrupt → resume cycles with `ctx.interrupt`, on MemoryCheckpointer, on a SQLite file, and
// answered from a new process.
import { extname, join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { Command, MemoryCheckpointer } from "@weft/graph";
import type { Sizes } from "../sizes.ts";
import { runW5, type W5Engine } from "../w5-cycles.ts";
import { reviewGraph } from "./w5-graph.ts";

function engine(store: Checkpointer): W5Engine {
	let bodies = 0;
	const graph = reviewGraph(store, () => bodies++);
	return {
		pause: async (id) => {
			const r = await graph.run({ request: `req-${id}` }, { threadId: id });
			return (
				r.status === "interrupted" &&
				r.interrupts.length === 1 &&
				r.values.result === undefined
			);
		},
		resume: async (id) =>
			(
				await graph.invoke(new Command({ resume: `ok-${id}` }), {
					threadId: id,
				})
			).result,
		reviewBodies: () => bodies,
	};
}

export function w5(p: Sizes["w5"]) {
	return runW5(
		{
			memory: () => engine(new MemoryCheckpointer()),
			sqlite: (path) => {
				const store = new SqliteCheckpointer({ path });
				return { engine: engine(store), close: () => store.close() };
			},
			// .ts through tsx, .js when the harness runs compiled (decision 0046)
			child: join(
				import.meta.dirname,
				`w5-child${extname(import.meta.filename)}`,
			),
		},
		p,
		"weft-w5-",
	);
}
