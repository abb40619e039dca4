import { WeftError } from "../errors.ts";
import { keysOf, refuseUnknownKeys } from "../option-keys.ts";
import type { JsonValue } from "../record.ts";
import { invalidOption } from "../store-errors.ts";
import type { StoreIndexOptions } from "./store.ts";

/** Every string in a JSON value, depth first. */
function strings(value: JsonValue | undefined, out: string[]): string[] {
	if (typeof value === "string") out.push(value);
	else if (Array.isArray(value)) for (const v of value) strings(v, out);
	else if (typeof value === "object" && value !== null)
		for (const v of Object.values(value)) strings(v, out);
	return out;
}

/** One step of a field path: a key, an array index (`*`: every element), or several keys (`{a,b}`). */
type PathStep = { key: string } | { index: number | "*" } | { keys: string[] };

// the grammar's parts: a key (no `.`, brackets or braces), `[n]` / `[-n]` / `[*]`, `{a,b}`
const KEY = String.raw`[^.[\]{}]+`;
const INDEX = String.raw`\[(\*|-?\d+)\]`;
const KEYS = String.raw`\{([^{}]+)\}`;
/** One step of a path (its groups: the index, the keys, the key). */
const STEP = new RegExp(`${INDEX}|${KEYS}|(${KEY})`, "g");
/** A whole path as LangGraph's stores take it: `$`, or keys (or `{…}`) joined by dots, indexes after them. */
const NAMED = `(?:${KEY}|${KEYS})(?:${INDEX})*`;
const PATH = new RegExp(`^(?:\\$|${NAMED}(?:\\.${NAMED})*)$`);

function stepsOf(path: string): PathStep[] {
	const steps: PathStep[] = [];
	for (const [, index, keys, key] of path.matchAll(STEP)) {
		if (index !== undefined)
			steps.push({ index: index === "*" ? "*" : Number(index) });
		else if (keys !== undefined)
			steps.push({ keys: keys.split(",").map((k) => k.trim()) });
		else steps.push({ key: key! });
	}
	return steps;
}

/**
 * The values at a field path, in the syntax of LangGraph's store index (decision 0264): dotted keys
 * (`meta.title`), an element of an array (`tags[0]`, `tags[-1]` from the end), every element
 * (`items[*].name`), several keys (`{title,body}`), `$` for the whole value. A step that names nothing (a
 * key of an array, an index of an object) gives nothing.
 */
function valuesAt(value: JsonValue, path: string): JsonValue[] {
	if (path === "$") return [value];
	let found: JsonValue[] = [value];
	for (const step of stepsOf(path)) {
		const next: JsonValue[] = [];
		for (const v of found) {
			if (typeof v !== "object" || v === null) continue;
			if ("index" in step) {
				if (!Array.isArray(v)) continue;
				if (step.index === "*") next.push(...v);
				else {
					const item = v[step.index < 0 ? v.length + step.index : step.index];
					if (item !== undefined) next.push(item);
				}
			} else if (!Array.isArray(v)) {
				for (const key of "key" in step ? [step.key] : step.keys) {
					const item = Object.hasOwn(v, key) ? v[key] : undefined;
					if (item !== undefined) next.push(item);
				}
			}
		}
		found = next;
	}
	return found;
}

/**
 * The text of an item that search indexes: the strings at the given field paths, or every string in the
 * value; `false` indexes nothing (empty text).
 */
export function indexedText(
	value: JsonValue,
	fields: readonly string[] | false | undefined,
): string {
	if (fields === false) return "";
	if (fields === undefined) return strings(value, []).join("\n");
	const out: string[] = [];
	for (const f of fields) for (const v of valuesAt(value, f)) strings(v, out);
	return out.join("\n");
}

/**
 * Checks index fields (`put`'s `index`, or the store's `index.fields`): field paths (`valuesAt`), or
 * `false` for none. Throws `CONFIG_INVALID`, naming a path that is not one (an empty one, `a..b`, `a[`).
 */
export function checkIndexFields(fields: unknown, where: string): void {
	if (fields === undefined || fields === false) return;
	const hint =
		'pass field paths like ["text", "meta.title", "items[*].name", "tags[0]", "{title,body}"] or ["$"], false to index nothing, or leave it out';
	if (!Array.isArray(fields) || !fields.every((f) => typeof f === "string"))
		throw new WeftError(
			"CONFIG_INVALID",
			`${where} ${JSON.stringify(fields) ?? String(fields)} is not a list of field paths or false`,
			{ hint },
		);
	const bad = fields.find((f) => !PATH.test(f));
	if (bad !== undefined)
		throw new WeftError(
			"CONFIG_INVALID",
			`${where} has ${JSON.stringify(bad)}, which is no field path`,
			{ hint },
		);
}

const INDEX_KEYS = keysOf<StoreIndexOptions>({
	fields: true,
	embeddings: true,
});

/**
 * Checks a store's `index` option when the store is made (`CONFIG_INVALID`): an object of known keys
 * (`{ field: [...] }` was ignored), its fields a list of paths, its embeddings an object with
 * `embedDocuments` and `embedQuery` (another object was taken, and every put then failed EMBEDDING_FAILED).
 */
export function checkIndexOptions(index: unknown): StoreIndexOptions {
	if (index === undefined) return {};
	const example = '{ index: { fields: ["text"], embeddings } }';
	if (typeof index !== "object" || index === null || Array.isArray(index))
		throw invalidOption(
			`the store's index option must be an object, not ${JSON.stringify(index) ?? String(index)}`,
			`pass ${example} (both optional), or leave index out`,
		);
	refuseUnknownKeys(index, INDEX_KEYS, "the store's index");
	const { fields, embeddings } = index as Record<string, unknown>;
	checkIndexFields(fields, "the store's index.fields");
	if (embeddings !== undefined) {
		const e = embeddings as Record<string, unknown> | null;
		const missing =
			typeof e !== "object" || e === null
				? undefined
				: ["embedDocuments", "embedQuery"].filter(
						(m) => typeof e[m] !== "function",
					);
		if (missing === undefined || missing.length > 0)
			throw invalidOption(
				`the store's index.embeddings must be an Embeddings (with embedDocuments and embedQuery), ${missing === undefined ? `not ${JSON.stringify(embeddings) ?? String(embeddings)}` : `but it has no ${missing.join(" or ")}`}`,
				"pass any @langchain/core Embeddings (e.g. new OpenAIEmbeddings()), or leave embeddings out for text search only",
			);
	}
	return index as StoreIndexOptions;
}

/** Checks list/search paging options and fills defaults. */
export function paging(
	options: { limit?: number | undefined; offset?: number | undefined },
	defaultLimit: number,
): { limit: number; offset: number } {
	const { limit = defaultLimit, offset = 0 } = options;
	for (const [name, n] of [
		["limit", limit],
		["offset", offset],
	] as const) {
		// past MAX_SAFE_INTEGER, SQLite and Postgres refuse the number (each in its own way)
		if (!Number.isSafeInteger(n) || n < 0)
			throw new WeftError(
				"VALIDATION_FAILED",
				`${name} ${String(n)} is not a whole number from 0 to Number.MAX_SAFE_INTEGER`,
				{ hint: `pass ${name} as 0, 1, 2, … (at most 2⁵³ − 1)` },
			);
	}
	return { limit, offset };
}

/**
 * Checks a store call's options: undefined (none), or an object naming only options the call has. An
 * array, `false` or a misspelt key (`{ ttl: 60 }`) was read as no options, silently (decision 0157).
 */
export function checkOptionKeys(
	options: unknown,
	allowed: readonly string[],
	call: string,
): void {
	if (options === undefined) return;
	const list = allowed.join(", ");
	if (options === null || typeof options !== "object" || Array.isArray(options))
		throw new WeftError(
			"CONFIG_INVALID",
			`${call}'s options must be an object, got ${Array.isArray(options) ? "an array" : (JSON.stringify(options) ?? String(options))}`,
			{
				hint:
					call === "put"
						? 'pass { ttlMs?, index? }: put(ns, key, value, { index: ["text"] }) or { index: false } (not LangGraph\'s positional index)'
						: `pass an object with ${list}, or leave options out`,
			},
		);
	const unknown = Object.keys(options).filter((k) => !allowed.includes(k));
	if (unknown.length > 0)
		throw new WeftError(
			"CONFIG_INVALID",
			`${call} has no option ${unknown.map((k) => JSON.stringify(k)).join(", ")}`,
			{
				hint: `${call}'s options are ${list}${unknown.includes("ttl") ? " (ttlMs is in milliseconds)" : ""}`,
			},
		);
}

/** The longest TTL a put takes: 1,000 years (365-day years), far inside what a `Date` can hold. */
export const MAX_TTL_MS = 1000 * 365 * 86_400_000;

/**
 * Checks a put's TTL and returns the expiry time (whole ms since the epoch), if any. A fractional TTL is
 * rounded up, so that every backend stores the same whole millisecond (Postgres keeps it as a bigint).
 */
export function expiryOf(
	ttlMs: number | undefined,
	now: number,
): number | null {
	if (ttlMs === undefined) return null;
	if (typeof ttlMs !== "number" || !(ttlMs > 0) || !(ttlMs <= MAX_TTL_MS))
		throw new WeftError(
			"VALIDATION_FAILED",
			`ttlMs ${typeof ttlMs === "string" ? JSON.stringify(ttlMs) : String(ttlMs)} is not a positive number of milliseconds up to ${MAX_TTL_MS} (1,000 years)`,
			{
				hint: "pass a positive ttlMs of at most 1,000 years, or leave it out to keep the item",
			},
		);
	return now + Math.ceil(ttlMs);
}

/**
 * The words of a text, as every backend indexes and searches them: runs of letters, combining marks and
 * digits (so `tea+milk` is two words, and a mark never splits "हिन्दी"), after NFKC normalization (a
 * decomposed "café" is the composed one) and lower-casing. Nothing else, so no database's query syntax.
 */
export function queryWords(query: string): string[] {
	return (
		query
			.normalize("NFKC")
			.toLowerCase()
			.match(/[\p{L}\p{M}\p{N}]+/gu) ?? []
	);
}
