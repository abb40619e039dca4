import { WeftError } from "../errors.ts";
import { isWellFormed } from "../validate-id.ts";
import type { Namespace } from "./store.ts";

/** Joins labels in stored namespaces; labels may not hold it (nor any control character). */
export const SEPARATOR = "\u001f";
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects
const CONTROL = /[\u0000-\u001f]/;
/** DEL and C1 (NEL …): refused in a new item's labels; read and deleted where an older build kept them. */
const LATER_CONTROL = /[\u007f-\u009f]/;

/**
 * What a database would change or refuse in a string: a NUL (Postgres cannot hold it) or a lone surrogate
 * (UTF-8 databases store U+FFFD instead, SQLite three of them, Postgres one). Undefined when it is fine.
 */
export function textProblem(s: string): string | undefined {
	if (s.includes("\0")) return "holds a NUL character";
	if (!isWellFormed(s)) return "holds a lone surrogate (malformed UTF-16)";
	return undefined;
}

/** A string for messages: JSON, shortened, lone surrogates escaped (JSON.stringify escapes them). */
export const shownText = (s: unknown): string =>
	typeof s === "string" && s.length > 60
		? `${JSON.stringify(s.slice(0, 60))}…`
		: JSON.stringify(s);

function invalid(message: string, hint: string): WeftError {
	return new WeftError("INVALID_NAMESPACE", message, { hint });
}

/**
 * Checks a new item's namespace (a put's) and returns it as one stored string: as `encodeNamespace`, and
 * no DEL or C1 control in a label either (every control character is refused, as errors.md says; items
 * an older build stored with them stay readable and deletable).
 */
export function encodeNewNamespace(namespace: Namespace): string {
	const ns = encodeNamespace(namespace);
	for (const label of namespace)
		if (LATER_CONTROL.test(label))
			throw invalid(
				`namespace label ${shownText(label)} in ${JSON.stringify(namespace)} holds a control character`,
				"use plain, non-empty labels",
			);
	return ns;
}

/** Checks a namespace (or a prefix, which may be empty) and returns it as one stored string. */
export function encodeNamespace(
	namespace: Namespace,
	{ prefix = false }: { prefix?: boolean } = {},
): string {
	if (!Array.isArray(namespace))
		throw invalid(
			`namespace ${JSON.stringify(namespace)} is not an array of labels`,
			'pass labels as an array, like ["users", "u1", "memories"]',
		);
	if (!prefix && namespace.length === 0)
		throw invalid(
			"an item's namespace is empty",
			'give it at least one label, like ["memories"]',
		);
	for (const label of namespace) {
		if (typeof label !== "string" || label === "" || CONTROL.test(label))
			throw invalid(
				`namespace label ${JSON.stringify(label)} in ${JSON.stringify(namespace)} is not a non-empty string without control characters`,
				"use plain, non-empty labels",
			);
		const problem = textProblem(label);
		if (problem !== undefined)
			throw invalid(
				`namespace label ${shownText(label)} ${problem}`,
				"use well-formed labels: a database would store this one changed",
			);
		if (/\{[^}]*\}/.test(label))
			throw invalid(
				`namespace label "${label}" is an unfilled template`,
				"fill it from the run context with fillNamespace(namespace, ctx.context), or use ctx.store, which does",
			);
	}
	return namespace.join(SEPARATOR);
}

/** The stored string back as labels. */
export function decodeNamespace(stored: string): string[] {
	return stored.split(SEPARATOR);
}

/** Checks an item key. */
export function checkKey(key: string): void {
	if (typeof key !== "string" || key === "")
		throw invalid(
			`item key ${JSON.stringify(key)} is not a non-empty string`,
			"give every item a non-empty string key",
		);
	const problem = textProblem(key);
	if (problem !== undefined)
		throw invalid(
			`item key ${shownText(key)} ${problem}`,
			"use a well-formed key without NUL: a database would store this one changed, or refuse it",
		);
}

/**
 * The most UTF-8 bytes an item's address may take: its encoded namespace (labels and one separator
 * between each two) and its key together. Postgres indexes the address in btrees, whose entries stop at
 * about 2.7 KB; every backend refuses a longer one on `put` alike (decision 0175).
 */
export const MAX_ADDRESS_BYTES = 2048;

/** Checks that an encoded namespace and a key fit in `MAX_ADDRESS_BYTES` (for a put). */
export function checkAddressSize(ns: string, key: string): void {
	// a UTF-16 code unit takes at most 3 UTF-8 bytes: short addresses need no count
	if ((ns.length + key.length) * 3 <= MAX_ADDRESS_BYTES) return;
	const bytes = Buffer.byteLength(ns, "utf8") + Buffer.byteLength(key, "utf8");
	if (bytes <= MAX_ADDRESS_BYTES) return;
	throw invalid(
		`item address is ${bytes} bytes (UTF-8 of the namespace's labels, one byte between each two, and the key ${shownText(key)}); the most is ${MAX_ADDRESS_BYTES}`,
		"shorten the key or the namespace: keep long text in the value, or use a hash of it (e.g. SHA-256 in hex) as the key",
	);
}

/**
 * The range of stored namespaces under an encoded prefix: `ns = prefix` or `low <= ns < high`. Labels hold
 * no control characters, so every descendant starts with `prefix + SEPARATOR`, and sorts below `prefix + " "`.
 */
export function prefixRange(prefix: string): { low: string; high: string } {
	return { low: prefix + SEPARATOR, high: `${prefix} ` };
}

/** Whether an encoded namespace lies under an encoded prefix ("" is everything). */
export function underPrefix(ns: string, prefix: string): boolean {
	return prefix === "" || ns === prefix || ns.startsWith(prefix + SEPARATOR);
}

/**
 * Fills `{name}` placeholders in namespace labels from a run's context, so that one user's agent never
 * reaches another user's items: `["users", "{userId}", "memories"]` with `{ userId: "u1" }` gives
 * `["users", "u1", "memories"]`. A placeholder the context lacks (or holds as a non-string, non-number, or an
 * empty string), or no context at all, throws `INVALID_NAMESPACE`: never a shared namespace by accident.
 * @example
 * fillNamespace(["users", "{userId}"], { userId: "u1" }); // ["users", "u1"]
 */
export function fillNamespace(
	namespace: Namespace,
	context: Readonly<Record<string, unknown>>,
): string[] {
	if (
		!Array.isArray(namespace) ||
		!namespace.every((l) => typeof l === "string")
	)
		throw invalid(
			`namespace ${JSON.stringify(namespace) ?? String(namespace)} is not an array of labels`,
			'pass labels as an array of strings, like ["users", "{userId}", "memories"]',
		);
	// a run without context has none of the values: each placeholder fails below, as a missing key does
	const values: Readonly<Record<string, unknown>> =
		typeof context === "object" && context !== null ? context : {};
	return namespace.map((label) =>
		label.replace(/\{([^}]*)\}/g, (_, name: string) => {
			const value = values[name];
			if (
				(typeof value === "string" && value !== "") ||
				(typeof value === "number" && Number.isFinite(value))
			)
				return String(value);
			throw invalid(
				`namespace ${JSON.stringify(namespace)} needs "${name}" from the run context, which ${value === undefined ? "does not have it" : `holds ${JSON.stringify(value)}`}`,
				`run with { context: { ${name}: "…" } }`,
			);
		}),
	);
}
