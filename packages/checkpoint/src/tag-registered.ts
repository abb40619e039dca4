// How a value holding registered types is written (format "m", decision 0276): each LangChain message
// inline, each other registered instance as a tagged value; what `JsonSerializer` then stringifies.

import { MARK, MESSAGE_MARK } from "./check-value.ts";
import { MESSAGE_TYPE, type StoredMessage } from "./langchain-messages.ts";
import { isTaggedValue } from "./tagged-value.ts";
import { registeredTypeOf } from "./type-registry.ts";

/**
 * Thrown by `tagRegistered` for a key named like a mark inside a registered value (a message's field, or
 * deeper): a reader would take it for a mark, so such a value is stored the superjson way.
 */
export const MARKED_FIELD = new Error(
	"a registered value holds a key named like Weft's mark",
);

/**
 * `value` (checked by `inspect`: JSON plus registered types) with each LangChain message replaced by
 * `{ [MESSAGE_MARK]: class, ...fields }` and each other registered instance by `{ [MARK]: name, v: plain }`. Only the arrays and objects on the way to a registered instance are
 * copied; the rest is stringified as it is (perf, issue 17: a copy of every object of a step's blobs).
 * Built by hand, not with a JSON.stringify replacer, which would call the instances' own (slow, lossy)
 * `toJSON` first.
 */
export function tagRegistered(value: unknown): unknown {
	if (typeof value !== "object" || value === null) return value;
	if (Array.isArray(value)) return tagItems(value);
	if (Object.getPrototypeOf(value) === Object.prototype)
		return tagFields(value as Record<string, unknown>);
	if (isTaggedValue(value))
		return { [MARK]: value.$type, v: tagRegistered(value.value) };
	const type = registeredTypeOf(value)!;
	const plain = type.toPlain(value);
	return type.name === MESSAGE_TYPE
		? inlineMessage(plain as StoredMessage)
		: { [MARK]: type.name, v: tagRegistered(plain) };
}

/**
 * A message's stored form inline: its class under `MESSAGE_MARK`, then its fields. A form not
 * `{ class, data }` (another type registered under the name first) stays tagged, `{ [MARK]: name, v: plain }`;
 * a field named like one of the marks throws `MARKED_FIELD`: such a value is stored the superjson way.
 */
function inlineMessage(plain: StoredMessage): unknown {
	const { data } = plain;
	if (
		typeof plain.class !== "string" ||
		typeof data !== "object" ||
		data === null ||
		Array.isArray(data)
	)
		return { [MARK]: MESSAGE_TYPE, v: tagRegistered(plain) };
	const out: Record<string, unknown> = { [MESSAGE_MARK]: plain.class };
	for (const key in data) {
		if (key === MESSAGE_MARK || key === MARK) throw MARKED_FIELD;
		const v = data[key];
		out[key] = typeof v === "object" && v !== null ? tagRegistered(v) : v;
	}
	return out;
}

/** `tagRegistered` of an array: the array itself when no item changes. */
function tagItems(list: readonly unknown[]): readonly unknown[] {
	let out: unknown[] | undefined;
	for (let i = 0; i < list.length; i++) {
		const v = list[i];
		// primitives need no call (most of a blob's values are)
		const t = typeof v === "object" && v !== null ? tagRegistered(v) : v;
		if (out === undefined) {
			if (t === v) continue;
			// a loop, not slice(): a frozen array's slice() takes a slow path in Node 20
			out = new Array<unknown>(list.length);
			for (let j = 0; j < i; j++) out[j] = list[j];
		}
		out[i] = t;
	}
	return out ?? list;
}

/**
 * `tagRegistered` of a plain object: the object itself when no field changes. A key named like a mark
 * here is inside a registered value's plain form (`inspect` sends user data holding one the superjson
 * way): `MARKED_FIELD`.
 */
function tagFields(record: Record<string, unknown>): Record<string, unknown> {
	let out: Record<string, unknown> | undefined;
	for (const key in record) {
		if (key === MARK || key === MESSAGE_MARK) throw MARKED_FIELD;
		const v = record[key];
		const t = typeof v === "object" && v !== null ? tagRegistered(v) : v;
		if (out === undefined) {
			if (t === v) continue;
			out = {};
			for (const before in record) {
				if (before === key) break;
				out[before] = record[before];
			}
		}
		out[key] = t;
	}
	return out ?? record;
}
