// How @langchain/core messages are stored: `{ class, data }`, rebuilt only as one of the known classes.
// No runtime import of @langchain/core here: `langchain.ts` registers the type eagerly, and a process
// that did not import it (a CLI, a server) loads the library on the first stored message it reads.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BaseMessage } from "@langchain/core/messages";
import { CheckpointError } from "./errors.ts";
import type { SerializableType } from "./type-registry.ts";

type MessageClass = new (fields: any) => BaseMessage;

/** The registered name of @langchain/core messages. */
export const MESSAGE_TYPE = "langchain.message";

/** Only these classes are ever constructed from stored data. */
const CLASS_NAMES = [
	"AIMessage",
	"AIMessageChunk",
	"ChatMessage",
	"ChatMessageChunk",
	"FunctionMessage",
	"FunctionMessageChunk",
	"HumanMessage",
	"HumanMessageChunk",
	"RemoveMessage",
	"SystemMessage",
	"SystemMessageChunk",
	"ToolMessage",
	"ToolMessageChunk",
] as const;

/** The stored form of a message: what a reader without @langchain/core sees as a tagged value's `value`. */
export interface StoredMessage {
	class: string;
	data: Record<string, unknown>;
}

/**
 * The message's constructor fields with their current values: what `toDict().data` holds, without its
 * generic serialization pass (secrets, aliases, escaping: none applies to messages), which costs ~5 µs
 * per message. Checked against `toDict()` in the tests. Fields the constructor sets to the same empty
 * value when they are missing are left out (decision 0060): every message has two, an AIMessage up to
 * four, and parsing them was a sixth of reading a conversation.
 */
function fieldsOf(message: BaseMessage, ai: boolean): Record<string, unknown> {
	const kwargs = (message as unknown as { lc_kwargs: Record<string, unknown> })
		.lc_kwargs;
	const data: Record<string, unknown> = {};
	for (const key of Object.keys(kwargs)) {
		const value =
			key in message
				? (message as unknown as Record<string, unknown>)[key]
				: kwargs[key];
		if (value !== undefined && !defaulted(message, key, value, ai))
			data[key] = value;
	}
	return data;
}

/**
 * Whether `value` is what the constructor gives field `key` when it is missing: `{}` for
 * `additional_kwargs` and `response_metadata` (BaseMessage), `[]` for an AIMessage's
 * `invalid_tool_calls`, and for its `tool_calls` unless `additional_kwargs` holds raw tool calls (which
 * the constructor would parse into them instead).
 */
function defaulted(
	message: BaseMessage,
	key: string,
	value: unknown,
	ai: boolean,
): boolean {
	switch (key) {
		case "additional_kwargs":
		case "response_metadata":
			return isEmptyRecord(value);
		case "invalid_tool_calls":
			return ai && Array.isArray(value) && value.length === 0;
		case "tool_calls":
			return (
				ai &&
				Array.isArray(value) &&
				value.length === 0 &&
				message.additional_kwargs?.tool_calls == null
			);
		default:
			return false;
	}
}

function isEmptyRecord(value: unknown): boolean {
	if (
		typeof value !== "object" ||
		value === null ||
		Object.getPrototypeOf(value) !== Object.prototype
	)
		return false;
	for (const _ in value) return false;
	return true;
}

/** @langchain/core's mark on its messages, the same in every copy of it. */
const LANGCHAIN_MESSAGE = Symbol.for("langchain.message");

/** The serializable type of the message classes of one copy of `@langchain/core/messages`. */
export function messageType(
	module: Record<string, unknown>,
): SerializableType<BaseMessage> {
	const classes = new Map<string, MessageClass>();
	for (const name of CLASS_NAMES)
		classes.set(name, module[name] as MessageClass);
	const names = new Map([...classes].map(([name, cls]) => [cls, name]));
	/**
	 * The class name of a message of this copy, or of another copy of @langchain/core (its CommonJS build, a
	 * project's own: marked with `Symbol.for("langchain.message")`) by its class's name (decision 0245).
	 */
	const nameOf = (value: object): string | undefined => {
		const own = names.get(value.constructor as MessageClass);
		if (own !== undefined) return own;
		if ((value as Record<symbol, unknown>)[LANGCHAIN_MESSAGE] !== true)
			return undefined;
		const name: unknown = value.constructor?.name;
		return typeof name === "string" && classes.has(name) ? name : undefined;
	};
	return {
		name: MESSAGE_TYPE,
		test: (value): value is BaseMessage =>
			typeof value === "object" &&
			value !== null &&
			nameOf(value) !== undefined,
		toPlain: (message) => {
			const name = nameOf(message)!;
			return {
				class: name,
				data: fieldsOf(message, name === "AIMessage"),
			} satisfies StoredMessage;
		},
		fromPlain: (plain) => {
			const { class: name, data } = (plain ?? {}) as StoredMessage;
			const cls = typeof name === "string" ? classes.get(name) : undefined;
			if (cls === undefined) {
				throw new CheckpointError(
					"DESERIALIZATION_FAILED",
					`stored message has unknown class "${String(name)}"`,
					{
						hint: "the data was written by a newer @langchain/core or is damaged",
					},
				);
			}
			if (typeof data !== "object" || data === null || Array.isArray(data)) {
				throw new CheckpointError(
					"DESERIALIZATION_FAILED",
					`stored ${name} has no fields`,
					{ hint: "the data is damaged" },
				);
			}
			return new cls(data);
		},
	};
}

/**
 * The message type built from the installed `@langchain/core`, or undefined when it is not installed.
 * Loads its ES module build synchronously (`require` of an ES module, Node ≥ 20.19), so the classes are
 * the very ones `import "@langchain/core/messages"` gives the rest of the process.
 */
export function loadMessageType(): SerializableType<BaseMessage> | undefined {
	try {
		const require = createRequire(import.meta.url);
		return messageType(require(messagesEntry(require)));
	} catch {
		return undefined;
	}
}

/** The file `import "@langchain/core/messages"` loads, found from this module. */
function messagesEntry(require: NodeJS.Require): string {
	if (typeof import.meta.resolve === "function")
		return fileURLToPath(import.meta.resolve("@langchain/core/messages"));
	// test runners may lack import.meta.resolve: read the package's exports map
	const manifest = require.resolve("@langchain/core/package.json");
	const entry = (require(manifest) as { exports: Record<string, any> }).exports[
		"./messages"
	].import;
	return join(
		dirname(manifest),
		typeof entry === "string" ? entry : entry.default,
	);
}
