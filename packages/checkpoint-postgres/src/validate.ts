import {
	CheckpointError,
	type CheckpointMetadata,
	invalidOption,
	isWeftError,
	type ThreadStatus,
} from "@weft/checkpoint";

const LONE_SURROGATE = /\p{Cs}/u;
const MAYBE_BAD_ESCAPE = /\\u(?:0000|d[89a-f])/i;
const STATUSES = [
	"running",
	"interrupted",
	"done",
	"failed",
	"cancelled",
	"stale",
];

/** A status to list threads by (CONFIG_INVALID otherwise). */
export function checkListedStatus(status: unknown): ThreadStatus {
	if (STATUSES.includes(status as string)) return status as ThreadStatus;
	throw invalidOption(
		`cannot list threads by status ${JSON.stringify(status) ?? String(status)}`,
		`use one of ${STATUSES.join(", ")}`,
	);
}

/**
 * Metadata as the JSON text Postgres stores (JSONB): refuses, typed, what JSON cannot hold (a BigInt, a
 * cycle) and what JSONB cannot (a NUL character, a lone surrogate), naming the key.
 */
export function metadataJson(
	metadata: CheckpointMetadata,
	where: { threadId: string; checkpointId: string },
): string {
	const fail = (why: string, cause?: unknown) =>
		new CheckpointError(
			"SERIALIZATION_FAILED",
			`metadata of checkpoint "${where.checkpointId}" in thread "${where.threadId}" ${why}`,
			{
				hint: "run metadata must be plain JSON: strings without NUL, numbers, booleans, null, arrays and plain objects, no BigInt or cycles",
				cause,
			},
		);
	let json: string | undefined;
	try {
		json = JSON.stringify(metadata);
	} catch (error) {
		if (isWeftError(error)) throw error;
		throw fail(`is not JSON: ${(error as Error).message}`, error);
	}
	if (json === undefined || !json.startsWith("{"))
		throw fail("is not an object");
	// JSON.stringify writes a NUL as \u0000 and a lone surrogate as \udXXX: text without either escape
	// holds neither (most metadata), so only the rest is parsed back and walked for the key to name
	const bad = MAYBE_BAD_ESCAPE.test(json)
		? badText(JSON.parse(json), "metadata")
		: undefined;
	if (bad !== undefined)
		throw fail(`holds text Postgres cannot store at ${bad}`);
	return json;
}

/** The path of the first string (or key) holding a NUL or a lone surrogate. */
function badText(value: unknown, path: string): string | undefined {
	const bad = (s: string) => s.includes("\0") || LONE_SURROGATE.test(s);
	if (typeof value === "string") return bad(value) ? path : undefined;
	if (typeof value !== "object" || value === null) return undefined;
	for (const [key, v] of Object.entries(value)) {
		const at = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
		if (bad(key)) return at;
		const found = badText(v, at);
		if (found !== undefined) return found;
	}
	return undefined;
}
