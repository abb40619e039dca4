import { printable } from "./printable.ts";

/**
 * Chat messages as people read them (`role: text`, tool calls as `name(args)`) and as scripts read
 * them (`{ role, content, id, … }`), whatever form they come in: @langchain/core instances, their
 * serialized JSON (`{ lc: 1, type: "constructor", … }`), or the plain data a store reader gives back
 * for a type it cannot revive.
 */

/** A message in the CLI's stable JSON form. */
export interface PlainMessage {
	role: string;
	content: unknown;
	id?: string;
	name?: string;
	toolCalls?: Array<{ id?: string; name: string; args: unknown }>;
	toolCallId?: string;
}

/**
 * State values typed on the command line (`run --input`, `fork --set`/`--patch`) with each message in the
 * form `plainMessage` prints (`toolCalls`, `toolCallId`) given the fields `@langchain/core` reads from a
 * `{ role, content }` object (`tool_calls`, `tool_call_id`): a graph's `messages()` key drops fields it
 * does not know, so a printed message given back would lose its tool calls without a word. A key's value
 * is read as one message or a list of them; anything else is left as it is.
 */
export function messageInputs(
	values: Record<string, unknown>,
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(values))
		out[key] = Array.isArray(value)
			? value.map(messageInput)
			: messageInput(value);
	return out;
}

function messageInput(value: unknown): unknown {
	if (typeof value !== "object" || value === null || Array.isArray(value))
		return value;
	const v = value as Fields;
	if (typeof v.role !== "string" || !("content" in v)) return value;
	const { toolCalls, toolCallId, ...rest } = v;
	if (toolCalls !== undefined && rest.tool_calls === undefined)
		rest.tool_calls = toolCalls;
	if (toolCallId !== undefined && rest.tool_call_id === undefined)
		rest.tool_call_id = toolCallId;
	return rest;
}

const ROLES: Record<string, string> = {
	human: "user",
	humanmessage: "user",
	humanmessagechunk: "user",
	user: "user",
	ai: "assistant",
	aimessage: "assistant",
	aimessagechunk: "assistant",
	assistant: "assistant",
	system: "system",
	systemmessage: "system",
	systemmessagechunk: "system",
	tool: "tool",
	toolmessage: "tool",
	toolmessagechunk: "tool",
	chatmessage: "chat",
	function: "function",
	functionmessage: "function",
	remove: "remove",
	removemessage: "remove",
};

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields =>
	typeof v === "object" && v !== null && !Array.isArray(v);

/** The class name and fields of anything that looks like a stored or live message, else undefined. */
function unwrap(v: unknown): { kind: string; fields: Fields } | undefined {
	if (!isObject(v)) return undefined;
	// a live @langchain/core message
	if (typeof v._getType === "function" || typeof v.getType === "function") {
		const type = String(
			(typeof v.getType === "function"
				? v.getType()
				: (v._getType as () => string)()) ?? "",
		);
		return { kind: type, fields: v };
	}
	// LangChain's serialized form
	if (
		v.lc === 1 &&
		v.type === "constructor" &&
		Array.isArray(v.id) &&
		isObject(v.kwargs)
	)
		return { kind: String(v.id.at(-1)), fields: v.kwargs };
	// Weft's stored form ({ class, data }), possibly inside the TaggedValue of a reader that could not
	// revive it ({ $type: "langchain.message", value })
	const inner = v.$type === "langchain.message" ? v.value : v;
	if (
		isObject(inner) &&
		typeof inner.class === "string" &&
		isObject(inner.data)
	)
		return ROLES[inner.class.toLowerCase()] === undefined
			? undefined
			: { kind: inner.class, fields: inner.data };
	return undefined;
}

/** True for any form of a chat message. */
export function isMessage(v: unknown): boolean {
	const u = unwrap(v);
	return u !== undefined && ROLES[u.kind.toLowerCase()] !== undefined;
}

/** The CLI's JSON form of a message (undefined when `v` is not one). */
export function plainMessage(v: unknown): PlainMessage | undefined {
	const u = unwrap(v);
	const role = u === undefined ? undefined : ROLES[u.kind.toLowerCase()];
	if (u === undefined || role === undefined) return undefined;
	const f = u.fields;
	const calls = Array.isArray(f.tool_calls) ? (f.tool_calls as Fields[]) : [];
	const out: PlainMessage = {
		role: role === "chat" && typeof f.role === "string" ? f.role : role,
		content: f.content ?? "",
	};
	if (typeof f.id === "string" && f.id !== "") out.id = f.id;
	if (typeof f.name === "string" && f.name !== "") out.name = f.name;
	if (calls.length > 0)
		out.toolCalls = calls.map((c) => ({
			...(typeof c.id === "string" ? { id: c.id } : {}),
			name: String(c.name),
			args: c.args ?? {},
		}));
	if (typeof f.tool_call_id === "string") out.toolCallId = f.tool_call_id;
	return out;
}

/** The text of a message's content (text blocks joined, other blocks named), printable. */
export function contentText(content: unknown): string {
	if (typeof content === "string") return printable(content);
	if (!Array.isArray(content)) return JSON.stringify(content);
	return printable(
		content
			.map((b: unknown) =>
				typeof b === "string"
					? b
					: isObject(b) && typeof b.text === "string"
						? b.text
						: `[${isObject(b) ? String(b.type) : typeof b}]`,
			)
			.join(""),
	);
}

/** A tool call as `name(args)`, args as compact JSON. */
export function callText(call: { name: string; args: unknown }): string {
	return `${printable(call.name)}(${JSON.stringify(call.args ?? {})})`;
}

/** One message as `role: text`; tool calls as `name(args)`; a tool result names its tool. */
export function messageLine(m: PlainMessage): string {
	const who =
		m.role === "tool" && m.name !== undefined
			? `tool ${printable(m.name)}`
			: m.role;
	const parts = [contentText(m.content)].filter((t) => t !== "");
	for (const c of m.toolCalls ?? []) parts.push(callText(c));
	return `${who}: ${parts.join(" ")}`;
}

/**
 * A value with every message replaced by its plain form (recursively): what `--json` prints and what
 * the text renderings start from.
 */
export function plainValue(v: unknown): unknown {
	const m = plainMessage(v);
	if (m !== undefined) return m;
	if (Array.isArray(v)) return v.map(plainValue);
	if (v instanceof Date)
		return Number.isNaN(v.getTime()) ? null : v.toISOString();
	if (v instanceof Map)
		return Object.fromEntries(
			[...v].map(([k, x]) => [String(k), plainValue(x)]),
		);
	if (v instanceof Set) return [...v].map(plainValue);
	if (typeof v === "bigint") return v.toString();
	if (isObject(v)) {
		const out: Fields = {};
		for (const [k, x] of Object.entries(v)) out[k] = plainValue(x);
		return out;
	}
	return v;
}
