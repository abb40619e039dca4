// What a step is told when a reducer returned a value its key's schema refuses (decision 0163): kept out
// of `Channels` (a cold path).
import type { ChannelWrite } from "@weft/checkpoint";
import { NodeError, ValidationError } from "@weft/checkpoint";
import type { z } from "zod";
import { writerNode } from "./update-shape.ts";

/**
 * The writers' `NodeError` (the shape of a reducer that throws, `merged` in channels.ts) for the reducer of
 * `key`, whose merge of `writes` returned a value that fails the key's schema. Its cause is a
 * `ValidationError` with zod's issues, each path starting at the key; it names every node whose writes of
 * the key were merged, `NodeError.node` being the first.
 */
export function reducerOutputInvalid(
	key: string,
	writes: readonly ChannelWrite[],
	issues: readonly z.core.$ZodIssue[],
): NodeError {
	const nodes: string[] = [];
	for (const w of writes) {
		if (w[1] !== key) continue;
		const node = writerNode(w[0]);
		if (!nodes.includes(node)) nodes.push(node);
	}
	const first = issues[0]!;
	const at = [key, ...first.path.map(String)].join(".");
	const cause = new ValidationError(
		`its result fails the schema of "${key}" at "${at}": ${first.message}`,
		{
			node: nodes[0],
			issues: issues.map((i) => ({
				code: i.code,
				path: [key, ...i.path],
				message: i.message,
			})),
			hint: `make the reducer of "${key}" return a value of the key's schema (a reducer that returns undefined clears a required key)`,
		},
	);
	return new NodeError(nodes[0] ?? "", cause, "NODE_FAILED", {
		reducer: key,
		nodes,
	});
}
