import {
	CheckpointError,
	type CheckpointMetadata,
	ConfigError,
	isWeftError,
	type StoredThreadStatus,
	WeftError,
} from "@weft/checkpoint";

// TODO(issue 10): use @weft/checkpoint's shared validateId once wt/store lands it.
const MAX_ID = 512;
const LONE_SURROGATE =
	/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Refuses (INVALID_ID) what cannot be an id: not a string, empty, over 512 characters, a NUL, a lone surrogate. */
export function validateId(value: unknown, what = "thread id"): string {
	const why =
		typeof value !== "string"
			? `is a ${value === null ? "null" : typeof value}, not a string`
			: value === ""
				? "is empty"
				: value.length > MAX_ID
					? `is ${value.length} characters long (at most ${MAX_ID})`
					: value.includes("\0")
						? "holds a NUL character"
						: LONE_SURROGATE.test(value)
							? "holds a lone surrogate (malformed UTF-16)"
							: undefined;
	if (why === undefined) return value as string;
	const shown =
		typeof value === "string"
			? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
			: String(value);
	throw new WeftError("INVALID_ID", `the ${what} ${shown} ${why}`, {
		hint: `use a non-empty, well-formed string of at most ${MAX_ID} characters without NUL`,
	});
}

/** A namespace: "" for the root graph, otherwise an id. */
export function validateNs(ns: unknown): string {
	return ns === undefined || ns === "" ? "" : validateId(ns, "namespace");
}

const STATUSES = new Set([
	"running",
	"interrupted",
	"done",
	"failed",
	"cancelled",
]);

export function validateStatus(status: unknown, stale = false): void {
	if (STATUSES.has(status as string) || (stale && status === "stale")) return;
	throw new ConfigError(
		"CONFIG_INVALID",
		`${JSON.stringify(status) ?? String(status)} is not a thread status`,
		{
			hint: `use one of ${[...STATUSES].join(", ")}${stale ? ", stale" : ""}`,
		},
	);
}

export function validateStoredStatus(status: StoredThreadStatus | undefined) {
	if (status !== undefined) validateStatus(status);
}

/** A duration in ms for a lease. */
export function validateTtl(ttlMs: unknown): number {
	if (typeof ttlMs === "number" && Number.isFinite(ttlMs) && ttlMs > 0)
		return ttlMs;
	throw new ConfigError(
		"CONFIG_INVALID",
		`lease ttlMs ${String(ttlMs)} is not a positive number of milliseconds`,
		{ hint: "pass { ttlMs: 30_000 } or similar" },
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
	const bad = badText(JSON.parse(json), "metadata");
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
