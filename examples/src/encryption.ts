// docs/checkpoints.md's encryption at rest, run by examples.test.ts: a graph's checkpoints in a SQLite
// file, encrypted with the key in WEFT_KEY.
// #region encrypt
import { createSerializer } from "@weft/checkpoint";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";

export function openStore(path = "weft.db") {
	const serializer = createSerializer({ encryptionKey: process.env.WEFT_KEY }); // 32 bytes: 64 hex digits or base64
	return new SqliteCheckpointer({ path, serializer });
}

// #endregion encrypt

import { END, START, StateGraph } from "@weft/graph";
import { z } from "zod";

export const graph = new StateGraph(z.object({ secret: z.string() }))
	.addNode("keep", (s) => ({ secret: s.secret.toUpperCase() }))
	.addEdge(START, "keep")
	.addEdge("keep", END);

/** Runs the graph on an encrypted store at `path` and reads its state back. */
export async function main(path: string) {
	const checkpointer = openStore(path);
	try {
		const app = graph.compile({ checkpointer });
		await app.invoke({ secret: "launch code" }, { threadId: "s" });
		return (await app.getState({ threadId: "s" })).values;
	} finally {
		await checkpointer.close();
	}
}
