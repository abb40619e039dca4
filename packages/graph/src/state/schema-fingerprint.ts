// A stable hash of a graph's state schema, recorded with every checkpoint (decision 0018): resuming a
// thread on a graph whose state schema changed since the checkpoint was written is `GRAPH_CHANGED`.
import { type StoredCheckpoint, WeftError } from "@weft/checkpoint";
import type { z } from "zod";
import { reducerOf } from "./reducer.ts";

/** Keys of a JSON Schema that document and do not constrain: changing them keeps the fingerprint. */
const PROSE = new Set(["description", "title", "examples", "$comment"]);

/**
 * The fingerprint of a state schema: per key (sorted), its value's JSON Schema without prose, and
 * whether and how it is reduced (reducer update schema; reducer code is not hashed). 16 hex digits.
 */
export function schemaFingerprint(schema: z.ZodObject<z.ZodRawShape>): string {
	const shape: Record<string, unknown> = {};
	for (const key of Object.keys(schema.shape).sort()) {
		const field = schema.shape[key] as z.ZodType;
		const spec = reducerOf(field);
		shape[key] = {
			value: jsonSchemaOf(field),
			...(spec === undefined
				? {}
				: {
						reducer:
							spec.update === undefined ? true : jsonSchemaOf(spec.update),
					}),
		};
	}
	return process
		.getBuiltinModule("node:crypto")
		.createHash("sha256")
		.update(stableJson(shape))
		.digest("hex")
		.slice(0, 16);
}

/**
 * The schema's own `toJSONSchema` (zod 4 classic), the same as `z.toJSONSchema(type, …)`: called as a
 * method so that importing this module does not load zod (start-up, decision 0004).
 */
function jsonSchemaOf(type: z.ZodType): unknown {
	try {
		return type.toJSONSchema({ unrepresentable: "any", io: "input" });
	} catch {
		// a schema JSON Schema cannot express at all (e.g. a cycle it refuses): its kind stands in
		return { zod: type.def.type };
	}
}

/** JSON with sorted object keys and prose dropped, so that equal schemas hash the same. */
function stableJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
	if (typeof value === "object" && value !== null) {
		const obj = value as Record<string, unknown>;
		const parts = Object.keys(obj)
			.filter((k) => !PROSE.has(k) && obj[k] !== undefined)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`);
		return `{${parts.join(",")}}`;
	}
	return JSON.stringify(value) ?? "null";
}

/** The error for a checkpoint written under another state schema than this graph's. */
export function schemaChanged(at: {
	threadId: string;
	checkpointId: string;
	stored: string;
	current: string;
}): WeftError {
	return new WeftError(
		"GRAPH_CHANGED",
		`checkpoint "${at.checkpointId}" of thread "${at.threadId}" was written with another state schema (fingerprint ${at.stored}, this graph's is ${at.current})`,
		{
			hint: "if the stored state fits the new schema, run with { acceptSchemaChange: true } (or write the new state with updateState first); else use the graph version that wrote the thread, or fork from an earlier checkpoint",
		},
	);
}

/** The newest state-schema fingerprint recorded on a chain (oldest first), if any. */
export function chainFingerprint(
	chain: readonly StoredCheckpoint[],
): string | undefined {
	for (let i = chain.length - 1; i >= 0; i--) {
		const f = chain[i]!.metadata.schemaFingerprint;
		if (typeof f === "string") return f;
	}
	return undefined;
}
