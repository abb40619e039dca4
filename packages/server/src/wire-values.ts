import { WeftError } from "@weft/checkpoint";

/** A `@langchain/core` message (duck-typed: the server does not import LangChain). */
export interface MessageLike {
	getType(): string;
	content: unknown;
	id?: string | undefined;
	name?: string | undefined;
	tool_calls?: unknown;
	tool_call_id?: string | undefined;
	additional_kwargs?: unknown;
	response_metadata?: unknown;
	usage_metadata?: unknown;
}

export const isMessage = (v: unknown): v is MessageLike =>
	typeof v === "object" &&
	v !== null &&
	typeof (v as MessageLike).getType === "function" &&
	"content" in v;

/**
 * A message as the LangGraph API sends it: a plain dict with `type` (`human`, `ai`, `tool`, …). A node's
 * own chunk (`ctx.emitMessage`) may be plain: an object with `content` (and `type`, `id` if it says) or a
 * string, sent as an AI chunk.
 */
export function messageDict(chunk: MessageLike): Record<string, unknown> {
	// typed as a message for the callers' chunk types; read as anything a node may have emitted
	if (typeof chunk !== "object" || chunk === null)
		return { type: "ai", content: chunk ?? "", id: null };
	const m = chunk as Partial<MessageLike> & { type?: unknown };
	const out: Record<string, unknown> = {
		type:
			typeof m.getType === "function"
				? m.getType()
				: typeof m.type === "string"
					? m.type
					: "ai",
		content: m.content ?? "",
		id: m.id ?? null,
	};
	for (const key of [
		"name",
		"tool_calls",
		"tool_call_id",
		"additional_kwargs",
		"response_metadata",
		"usage_metadata",
	] as const)
		if (m[key] !== undefined) out[key] = m[key];
	return out;
}

/** Deeper than this, a value on the wire is taken to refer to itself (JSON cannot say it either way). */
const MAX_WIRE_DEPTH = 1000;

/**
 * State values for the wire: messages become dicts; what JSON cannot say as it is takes the form
 * `weft run --json` and `weft mcp` give it (a bigint its decimal string, a `Map` an object, a `Set` an
 * array); everything else goes as JSON does (a `Date` as its ISO string). A value that refers to itself
 * (a `ctx.emit` of one) is `SERIALIZATION_FAILED`.
 */
export function toWire(value: unknown, depth = 0): unknown {
	if (typeof value === "bigint") return value.toString();
	if (value === null || typeof value !== "object") return value;
	if (depth > MAX_WIRE_DEPTH)
		throw new WeftError(
			"SERIALIZATION_FAILED",
			`a value sent over HTTP nests more than ${MAX_WIRE_DEPTH} levels deep: it refers to itself, or is too deep for JSON`,
			{ hint: "send plain data, without a reference back to itself" },
		);
	const inner = (v: unknown) => toWire(v, depth + 1);
	if (isMessage(value)) return messageDict(value);
	if (Array.isArray(value)) return value.map(inner);
	if (value instanceof Set) return [...value].map(inner);
	if (value instanceof Map)
		return Object.fromEntries(
			[...value].map(([k, v]) => [String(k), inner(v)]),
		);
	if (value instanceof Date) return value;
	if (value.constructor !== Object && value.constructor !== undefined)
		return value;
	return Object.fromEntries(
		Object.entries(value).map(([k, v]) => [k, inner(v)]),
	);
}

const isMessageDict = (v: unknown): v is Record<string, unknown> =>
	typeof v === "object" &&
	v !== null &&
	!Array.isArray(v) &&
	"content" in v &&
	(typeof (v as { role?: unknown }).role === "string" ||
		typeof (v as { type?: unknown }).type === "string");

/** `@langchain/core/messages`, imported once per process (an `import()` per run costs a loader round trip). */
let langchainMessages:
	| Promise<typeof import("@langchain/core/messages")>
	| undefined;

/**
 * Run input from the wire: arrays of message dicts (`{ role: "user", content }` or `{ type: "human", … }`)
 * become `@langchain/core` messages, as LangGraph's server does. LangChain is loaded only when one is seen.
 */
export async function fromWire(value: unknown): Promise<unknown> {
	if (value === null || typeof value !== "object" || Array.isArray(value))
		return value;
	const out: Record<string, unknown> = {};
	for (const [key, v] of Object.entries(value)) {
		if (Array.isArray(v) && v.length > 0 && v.every(isMessageDict)) {
			langchainMessages ??= import("@langchain/core/messages");
			const { coerceMessageLikeToMessage } = await langchainMessages;
			out[key] = v.map((m) => coerceMessageLikeToMessage(m as never));
		} else out[key] = v;
	}
	return out;
}

/** A pending interrupt as the engine gives it (`when` set for an `interruptBefore`/`interruptAfter` pause). */
export interface PendingLike {
	id: string;
	value: unknown;
	when?: "before" | "after" | undefined;
}

/**
 * Pending interrupts as LangGraph's wire lists them (`__interrupt__`, `tasks[].interrupts`,
 * `thread.interrupts`): `{ id, value }` for each one a node asked. A static breakpoint (an
 * `interrupt_before`/`interrupt_after` pause) is listed by none, as LangGraph's server lists none: a run
 * that stops there still ends with `__interrupt__: []`, the thread reads `interrupted` and `next` names
 * the node; input null (or a `command`) goes on.
 */
export function wireInterrupts(
	pending: ReadonlyArray<PendingLike>,
): Array<{ id: string; value: unknown }> {
	const out: Array<{ id: string; value: unknown }> = [];
	for (const i of pending)
		if (i.when === undefined) out.push({ id: i.id, value: toWire(i.value) });
	return out;
}

/** A run's final values with its interrupts, when it stopped at any (LangGraph's `__interrupt__` key). */
export function withInterrupts(
	values: Record<string, unknown>,
	pending: ReadonlyArray<PendingLike>,
): Record<string, unknown> {
	return pending.length > 0
		? { ...values, __interrupt__: wireInterrupts(pending) }
		: values;
}
