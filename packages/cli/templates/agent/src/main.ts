// Runs the agent in this process, on a SQLite file, up to its approval and then on to the end.

import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { Command } from "@weft/graph";
import { agent } from "./agent.ts";

const store = new SqliteCheckpointer({ path: process.argv[2] ?? ":memory:" });
const graph = agent.withCheckpointer(store);
const config = {
	threadId: `main-${Date.now()}`,
	context: { scopes: ["mail:send"] },
};

const paused = await graph.run(
	{
		messages: [{ role: "user", content: "Tell Bob the release is on Friday" }],
	},
	config,
);
process.stdout.write(
	`${paused.status}: ${JSON.stringify(paused.interrupts[0]?.value)}\n`,
);
const done = await graph.run(
	new Command({ resume: { action: "approve" } }),
	config,
);
process.stdout.write(
	`${done.status}: ${String(done.values.messages.at(-1)?.content)}\n`,
);
await store.close();
