// Importing this module registers @langchain/core's message classes with every Weft serializer of the
// process, so messages in state round-trip exactly (class, id, content, tool calls, metadata).
// `@weft/graph/llm` imports it; a process that only reads stores (a CLI, a viewer) imports it too.
import {
	AIMessage,
	AIMessageChunk,
	type BaseMessage,
	ChatMessage,
	ChatMessageChunk,
	FunctionMessage,
	FunctionMessageChunk,
	HumanMessage,
	HumanMessageChunk,
	RemoveMessage,
	SystemMessage,
	SystemMessageChunk,
	ToolMessage,
	ToolMessageChunk,
} from "@langchain/core/messages";
import { CheckpointError } from "./errors.ts";
import { registerSerializableType } from "./json-serializer.ts";

// Only these classes are ever constructed from stored data.
const CLASSES: Record<string, new (fields: any) => BaseMessage> = {
	AIMessage,
	AIMessageChunk,
	ChatMessage,
	ChatMessageChunk,
	FunctionMessage,
	FunctionMessageChunk,
	HumanMessage,
	HumanMessageChunk,
	RemoveMessage,
	SystemMessage,
	SystemMessageChunk,
	ToolMessage,
	ToolMessageChunk,
};
const NAMES = new Map(
	Object.entries(CLASSES).map(([name, cls]) => [cls, name]),
);

/**
 * The message's constructor fields with their current values: what `toDict().data` holds, without its
 * generic serialization pass (secrets, aliases, escaping: none applies to messages), which costs ~5 µs
 * per message. Checked against `toDict()` in the tests.
 */
function fieldsOf(message: BaseMessage): Record<string, unknown> {
	const kwargs = (message as unknown as { lc_kwargs: Record<string, unknown> })
		.lc_kwargs;
	const data: Record<string, unknown> = {};
	for (const key of Object.keys(kwargs)) {
		const value =
			key in message
				? (message as unknown as Record<string, unknown>)[key]
				: kwargs[key];
		if (value !== undefined) data[key] = value;
	}
	return data;
}

interface StoredMessage {
	class: string;
	data: Record<string, unknown>;
}

registerSerializableType<BaseMessage>({
	name: "langchain.message",
	test: (value): value is BaseMessage =>
		typeof value === "object" &&
		value !== null &&
		NAMES.has((value as object).constructor as never),
	toPlain: (message) =>
		({
			class: NAMES.get(message.constructor as never)!,
			data: fieldsOf(message),
		}) satisfies StoredMessage,
	fromPlain: (plain) => {
		const { class: name, data } = plain as StoredMessage;
		const cls = Object.hasOwn(CLASSES, name) ? CLASSES[name] : undefined;
		if (cls === undefined) {
			throw new CheckpointError(
				"DESERIALIZATION_FAILED",
				`stored message has unknown class "${String(name)}"`,
				{
					hint: "the data was written by a newer @langchain/core or is damaged",
				},
			);
		}
		return new cls(data);
	},
});
