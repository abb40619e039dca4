// A user reducer's output checked against its key's schema, and what a step is told when the schema refuses
// it (decision 0163).
import type { ChannelWrite } from "@weft/checkpoint";
import {
	NodeError,
	ValidationError,
	type ValidationIssue,
} from "@weft/checkpoint";
import type { z } from "zod";
import { pathText } from "../runtime/issue-text.ts";
import { updateFrom, writerNode } from "./update-shape.ts";

/**
 * Checks what user reducers returned (`next`'s `keys`, merged from `writes`) against their keys' schemas:
 * only the keys merged by this call, never the whole state (a replay trusts what was stored: threads from
 * before decision 0163 still read). Throws the writers' `NodeError` on the first refused key.
 */
export function checkReduced(
	schemas: ReadonlyMap<string, z.ZodType>,
	next: Record<string, unknown>,
	keys: readonly string[],
	writes: readonly ChannelWrite[],
): void {
	for (let i = 0; i < keys.length; i++) {
		const key = keys[i]!;
		const result = schemas.get(key)!.safeParse(next[key]);
		if (!result.success)
			throw reducerOutputInvalid(key, writes, result.error.issues);
	}
}

/**
 * The writers' `NodeError` (the shape of a reducer that throws, `merged` in channels.ts) for the reducer of
 * `key`, whose merge of `writes` returned a value that fails the key's schema. Its cause is a
 * `ValidationError` with zod's issues, each path starting at the key; it names every node whose writes of
 * the key were merged, `NodeError.node` being the first.
 */
function reducerOutputInvalid(
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
	const refused = keySchemaRefusal(key, issues);
	const cause = new ValidationError(
		`its result fails the schema of "${key}" at ${refused.at}`,
		{
			node: nodes[0],
			issues: refused.issues,
			hint: `make the reducer of "${key}" return a value of the key's schema (a reducer that returns undefined clears a required key)`,
		},
	);
	return new NodeError(nodes[0] ?? "", cause, "NODE_FAILED", {
		reducer: key,
		nodes,
	});
}

/**
 * What a key's schema said of a value: where and why it first refused it (`"notes.0": expected string`),
 * and its issues with paths from the state's root (the key first).
 */
export function keySchemaRefusal(
	key: string,
	issues: readonly z.core.$ZodIssue[],
): { at: string; issues: ValidationIssue[] } {
	const first = issues[0]!;
	return {
		at: `"${[key, ...first.path.map(String)].join(".")}": ${first.message}`,
		issues: issues.map((i) => ({
			code: i.code,
			path: [key, ...i.path],
			message: i.message,
		})),
	};
}

/**
 * A reducer's `ValidationError` about one write (`messages()` refusing a removal of an id it lacks:
 * decision 0235) as `toWrites` words a refused update: naming the writer and the path from the key.
 */
export function writeRefused(
	write: ChannelWrite,
	error: ValidationError,
): ValidationError {
	const node = writerNode(write[0]);
	const key = write[1];
	const issues = error.issues.map((i) => ({ ...i, path: [key, ...i.path] }));
	const at = pathText(issues[0]?.path ?? [key]);
	return new ValidationError(
		`${updateFrom(node)} is invalid at "${at}": ${error.message}`,
		{ node, issues, hint: error.hint, cause: error },
	);
}
