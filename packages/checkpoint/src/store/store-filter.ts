// A store search's `filter`: top-level fields of an item's value compared with scalars, by equality or by
// LangGraph's operators. Checked and put in one form here, so that every backend reads the same conditions.
import { WeftError } from "../errors.ts";
import type { JsonValue } from "../record.ts";
import { textProblem } from "./namespace.ts";

/** A value a filter compares a field with. */
export type StoreFilterScalar = string | number | boolean | null;

/**
 * Comparisons of one field, all of which must hold: `$eq` / `$ne` with any scalar (same JSON type:
 * `2024` is not `"2024"`; a field the value lacks is not equal), the order operators with a number (a
 * number field) or a string (a string field, by Unicode code point).
 */
export interface StoreFilterOperators {
	$eq?: StoreFilterScalar;
	$ne?: StoreFilterScalar;
	$gt?: number | string;
	$gte?: number | string;
	$lt?: number | string;
	$lte?: number | string;
}

/** A filter: by field, a scalar the field must equal, or comparisons. */
export type StoreSearchFilter = Record<
	string,
	StoreFilterScalar | StoreFilterOperators
>;

/** How a condition compares. */
export type FilterOp = "eq" | "ne" | "gt" | "gte" | "lt" | "lte";

/** One comparison of a top-level field, as every backend reads a filter. */
export interface FilterCondition {
	field: string;
	op: FilterOp;
	value: StoreFilterScalar;
}

const OPERATORS: Readonly<Record<string, FilterOp>> = {
	$eq: "eq",
	$ne: "ne",
	$gt: "gt",
	$gte: "gte",
	$lt: "lt",
	$lte: "lte",
};

const SUPPORTED = "$eq, $ne, $gt, $gte, $lt, $lte";

const invalid = (message: string, hint: string) =>
	new WeftError("VALIDATION_FAILED", message, { hint });

/**
 * Checks a search filter and gives its conditions; `VALIDATION_FAILED` for anything else than field
 * names mapped to scalars or to objects of the operators above (an order operator with a number or a
 * string).
 */
export function filterConditions(filter: unknown): FilterCondition[] {
	if (filter === undefined) return [];
	// a Map, a Date, a class instance: its entries are no fields (it would filter nothing)
	if (!isPlainObject(filter))
		throw invalid(
			`search filter ${shown(filter)} is not a plain object`,
			'pass { field: value }, like { kind: "report" }, or { field: { $gte: 2 } }',
		);
	const out: FilterCondition[] = [];
	for (const [field, given] of Object.entries(filter)) {
		const fieldProblem = textProblem(field);
		if (fieldProblem !== undefined)
			throw invalid(
				`search filter field name ${JSON.stringify(field)} ${fieldProblem}`,
				"filter on well-formed field names without NUL",
			);
		if (!isPlainObject(given)) {
			out.push({ field, op: "eq", value: scalar(field, "", given) });
			continue;
		}
		const ops = Object.entries(given);
		if (ops.length === 0)
			throw invalid(
				`search filter field ${JSON.stringify(field)} has no comparison ({})`,
				`give a value, or one or more of ${SUPPORTED}: { ${JSON.stringify(field)}: { $gte: 2 } }`,
			);
		for (const [name, v] of ops) {
			const op = Object.hasOwn(OPERATORS, name) ? OPERATORS[name] : undefined;
			if (op === undefined)
				throw invalid(
					`search filter field ${JSON.stringify(field)} has operator ${JSON.stringify(name)}, which the store does not know`,
					`use ${SUPPORTED}, or a value the field must equal (a field equal to an object or a list cannot be filtered on)`,
				);
			const value = scalar(field, `${name} `, v);
			if (
				op !== "eq" &&
				op !== "ne" &&
				typeof value !== "number" &&
				typeof value !== "string"
			)
				throw invalid(
					`search filter field ${JSON.stringify(field)}: ${name} compares numbers or strings, not ${shown(value)}`,
					`give ${name} a number or a string; for true, false or null use $eq or $ne`,
				);
			out.push({ field, op, value });
		}
	}
	return out;
}

/** A filter's operand: a scalar stored values can hold. */
function scalar(field: string, op: string, v: unknown): StoreFilterScalar {
	if (v !== null && !["string", "number", "boolean"].includes(typeof v))
		throw invalid(
			`search filter field ${JSON.stringify(field)}: ${op}${shown(v)} is not a string, number, boolean or null`,
			`filters compare top-level fields with scalars: a value, or { ${SUPPORTED} } with one`,
		);
	// stored values hold none of these, and each database would read them its own way
	const problem =
		typeof v === "number" && !Number.isFinite(v)
			? `is ${v}, which no stored value holds`
			: typeof v === "string"
				? textProblem(v)
				: undefined;
	if (problem !== undefined)
		throw invalid(
			`search filter field ${JSON.stringify(field)}: ${op}value ${problem}`,
			"filter with finite numbers and well-formed strings without NUL",
		);
	return v as StoreFilterScalar;
}

/** A filter's value as an error message shows it (JSON where it can be: not a BigInt, not a cycle). */
function shown(v: unknown): string {
	if (typeof v === "bigint") return `${v}n (a BigInt)`;
	if (
		typeof v === "object" &&
		v !== null &&
		!Array.isArray(v) &&
		!isPlainObject(v)
	)
		return `a ${v.constructor?.name ?? "object"}`;
	try {
		return JSON.stringify(v) ?? String(v);
	} catch {
		return Array.isArray(v) ? "a list" : "an object";
	}
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === "object" &&
	v !== null &&
	!Array.isArray(v) &&
	(Object.getPrototypeOf(v) === Object.prototype ||
		Object.getPrototypeOf(v) === null);

/** Whether a stored value meets every condition (the memory store's reading; SQL backends say the same). */
export function meetsConditions(
	value: JsonValue,
	conditions: readonly FilterCondition[],
): boolean {
	// a value that is not an object has no fields: only `$ne` holds for it
	const fields =
		typeof value === "object" && value !== null && !Array.isArray(value)
			? value
			: undefined;
	return conditions.every((c) => meets(fields, c));
}

function meets(
	fields: { [k: string]: JsonValue } | undefined,
	c: FilterCondition,
): boolean {
	const has = fields !== undefined && Object.hasOwn(fields, c.field);
	const v = has ? fields[c.field] : undefined;
	if (c.op === "eq") return has && v === c.value;
	if (c.op === "ne") return !has || v !== c.value;
	const order =
		typeof v === "number" && typeof c.value === "number"
			? v - c.value
			: typeof v === "string" && typeof c.value === "string"
				? byCodePoint(v, c.value)
				: undefined;
	if (order === undefined) return false;
	return c.op === "gt"
		? order > 0
		: c.op === "gte"
			? order >= 0
			: c.op === "lt"
				? order < 0
				: order <= 0;
}

/**
 * Strings in Unicode code point order, as SQLite (UTF-8 bytes) and Postgres (`COLLATE "C"`) compare
 * them; JavaScript's `<` compares UTF-16 units, which puts U+E000–U+FFFF after every astral character.
 */
export function byCodePoint(a: string, b: string): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		const x = a.codePointAt(i)!;
		const y = b.codePointAt(i)!;
		if (x !== y) return x - y;
		if (x > 0xffff) i++;
	}
	return a.length - b.length;
}
