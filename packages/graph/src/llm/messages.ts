import {
	AIMessage,
	type BaseMessage,
	type BaseMessageLike,
	coerceMessageLikeToMessage,
	HumanMessage,
	isAIMessage,
	isBaseMessage,
	RemoveMessage,
	SystemMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { z } from "zod";
import { reducer } from "../index.ts";
import { foldsWith, storedWritesAs, trustsOutput } from "../state/reducer.ts";
import {
	type RemovedCaller,
	refuseAnswersLeftBehind,
	refuseOrphanAnswers,
	removalOfMissingId,
	removedCaller,
} from "./message-checks.ts";

/**
 * What a node (or a run's input) may write to a `messages()` key: one message or several, each a
 * `@langchain/core` message, a `{ role, content }` object (`role`: user, assistant, system, tool…),
 * LangChain's serialized form (`{ lc: 1, type: "constructor", … }`), or a string (a user turn).
 */
export type MessagesUpdate = MessageInput | readonly MessageInput[];

/** One message in any of the shapes a `messages()` key accepts. */
export type MessageInput = BaseMessage | BaseMessageLike | SerializedMessage;

/** LangChain's serialized form of a message (what `JSON.stringify(message)` gives). */
export interface SerializedMessage {
	lc: 1;
	type: "constructor";
	id: string[];
	kwargs: Record<string, unknown>;
}

/** The id of a `RemoveMessage` that clears the whole list (messages after it in the update stay). */
export const REMOVE_ALL_MESSAGES = "__remove_all__";

const message = z.custom<BaseMessage>((v) => isBaseMessage(v), {
	message: "expected a @langchain/core message (HumanMessage, AIMessage, …)",
});

const SERIALIZED: Record<string, new (fields: any) => BaseMessage> = {
	HumanMessage,
	AIMessage,
	SystemMessage,
	ToolMessage,
};

/** Turns one accepted shape into a message, or undefined (with the reason) when it is none of them. */
function toMessage(value: unknown): BaseMessage | string {
	if (isBaseMessage(value)) return value;
	const v = value as Partial<SerializedMessage> | null;
	if (v?.lc === 1 && v.type === "constructor" && Array.isArray(v.id)) {
		const cls = SERIALIZED[String(v.id.at(-1)).replace(/Chunk$/, "")];
		return cls === undefined
			? `unknown serialized message class "${String(v.id.at(-1))}"`
			: new cls(v.kwargs ?? {});
	}
	const shaped =
		typeof value === "string" ||
		(typeof value === "object" &&
			value !== null &&
			("role" in value || "type" in value) &&
			"content" in value);
	if (!shaped)
		return "expected a message: a @langchain/core message, { role, content }, or a string";
	try {
		return coerceMessageLikeToMessage(value as BaseMessageLike);
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
}

// Plain shapes become @langchain/core messages while the update is validated; ids are given then too,
// so the write that is saved already carries them: a replayed checkpoint rebuilds the same ids.
const update = z.unknown().transform((value, ctx) => {
	const list = Array.isArray(value) ? value : [value];
	const out: BaseMessage[] = [];
	for (let i = 0; i < list.length; i++) {
		const m = toMessage(list[i]);
		if (typeof m === "string") {
			ctx.addIssue({
				code: "custom",
				message: m,
				...(Array.isArray(value) ? { path: [i] } : {}),
			});
			return z.NEVER;
		}
		out.push(m);
	}
	return withIds(out);
});

/**
 * A state key holding a conversation of `@langchain/core` messages. An update appends; a message whose id
 * is already in the list replaces it in place; a `RemoveMessage` removes the message with its id; a message
 * without id gets one. A write that removes an id the list lacks, or whose ToolMessage answers no tool
 * call of the list, is refused with `VALIDATION_FAILED` (decision 0235), and so is one that removes an AI
 * message whose tool calls keep answers in the list (decision 0237).
 * @example
 * const State = z.object({ messages: messages() });
 * // in a node: return { messages: new AIMessage("hi") };
 */
export function messages() {
	const list = z.array(message);
	const marked = storedWritesAs(
		reducer(
			list,
			// updates reach the reducer validated: already turned into messages
			(current, incoming: MessagesUpdate) =>
				applyMessages(
					current,
					incoming as BaseMessage | readonly BaseMessage[],
				),
			() => [],
			{ update: update as unknown as z.ZodType<MessagesUpdate> },
		),
		// a write is stored as `update` made it, a list of messages: read back as that, not re-converted
		list,
	);
	// the list it returns is of the messages it was given: checking it after each step would cost O(list)
	return trustsOutput(foldsWith(marked, applyMessagesInTurn));
}

function withIds(list: BaseMessage[]): BaseMessage[] {
	for (const m of list) {
		if (m.id !== undefined && m.id !== "") continue;
		const id = crypto.randomUUID();
		m.id = id;
		// toDict() (and so the checkpoint serializer) reads fields named in lc_kwargs
		(m.lc_kwargs as Record<string, unknown>).id = id;
	}
	return list;
}

/**
 * id → position, shared by the lists that grew from one another by appends: an entry is trusted only
 * when the list holds that id at that position, otherwise the list gets an index of its own.
 */
const indexes = new WeakMap<readonly BaseMessage[], Map<string, number>>();

function build(list: readonly BaseMessage[]): Map<string, number> {
	const index = new Map<string, number>();
	list.forEach((m, i) => {
		if (m.id !== undefined) index.set(m.id, i);
	});
	indexes.set(list, index);
	return index;
}

/**
 * The reducer: O(update) lookups through the shared index; removals rebuild the list once. Throws a
 * `ValidationError` for a removal of an id the list lacks, for a ToolMessage answering no tool call of
 * the list, and for a removal of an AI message that leaves answers to its calls (message-checks.ts).
 */
export function applyMessages(
	current: readonly BaseMessage[],
	incoming: BaseMessage | readonly BaseMessage[],
): BaseMessage[] {
	const updates = isBaseMessage(incoming)
		? [incoming]
		: (incoming as readonly BaseMessage[]);
	if (updates.length === 0) return current as BaseMessage[];
	const index = indexes.get(current) ?? build(current);
	// read before the list changes: what the update replaces by id, with or without removals beside it
	const replaced = replacedCallers(current, index, updates);
	let next: BaseMessage[] | undefined;
	for (const m of updates)
		if (RemoveMessage.isInstance(m)) {
			next = withRemovals(current, updates, true);
			break;
		}
	if (next === undefined) {
		// a spread, not slice(): the state's list is frozen, and V8's slice() of a frozen array takes a
		// slow path (≈ 50× a spread for 500 messages in Node 20)
		next = [...current];
		indexes.set(next, appendTo(next, index, updates));
	}
	if (replaced !== undefined) refuseAnswersLeftBehind(next, replaced);
	refuseOrphanAnswers(next, updates);
	return next;
}

/**
 * The AI messages making tool calls that `updates` replace by id (their replacements may drop calls whose
 * answers stay: decision 0237). One index lookup per AI message of the update.
 */
function replacedCallers(
	current: readonly BaseMessage[],
	index: Map<string, number>,
	updates: readonly BaseMessage[],
): RemovedCaller[] | undefined {
	let callers: RemovedCaller[] | undefined;
	for (let i = 0; i < updates.length; i++) {
		const m = updates[i]!;
		if (m.id === undefined || !isAIMessage(m)) continue;
		const at = index.get(m.id);
		const old = at === undefined ? undefined : current[at];
		// an index entry of another branch names another message: not this list's
		if (old?.id === m.id && old !== m)
			callers = removedCaller(old, i, callers, true);
	}
	return callers;
}

/**
 * `applyMessages` of each update in turn, copying and indexing the list once: how replays apply a chain's
 * writes (a WeakMap entry and a copy per checkpoint were ≈ 10 % of reading the state at #100). It refuses
 * nothing: a stored write was checked when it was made, or was saved before decision 0235 and still reads.
 */
function applyMessagesInTurn(
	current: readonly BaseMessage[],
	incoming: readonly (BaseMessage | readonly BaseMessage[])[],
): BaseMessage[] {
	// this call's own copy, made by the first update that changes the list, and its index
	let list: BaseMessage[] | undefined;
	let index: Map<string, number> | undefined;
	for (const one of incoming) {
		const updates = isBaseMessage(one) ? [one] : one;
		if (updates.length === 0) continue;
		if (updates.some((m) => RemoveMessage.isInstance(m))) {
			list = withRemovals(list ?? current, updates, false);
			index = indexes.get(list)!;
			continue;
		}
		if (list === undefined) {
			list = [...current];
			index = indexes.get(current) ?? build(current);
		}
		index = appendTo(list, index!, updates);
	}
	if (list === undefined) return current as BaseMessage[];
	indexes.set(list, index!);
	return list;
}

/** Appends (or replaces by id) `updates` in `next`, whose index is `index`; returns the index, rebuilt if it had to be. */
function appendTo(
	next: BaseMessage[],
	index: Map<string, number>,
	updates: readonly BaseMessage[],
): Map<string, number> {
	// withIds gives ids to the messages, it does not change the list: no copy of it
	for (const m of withIds(updates as BaseMessage[])) {
		const id = m.id!;
		let at = index.get(id);
		if (at !== undefined && next[at]?.id !== id) {
			// an entry written by another branch of the history: this list gets its own index
			index = build(next);
			at = index.get(id);
		}
		if (at !== undefined) next[at] = m;
		else {
			index.set(id, next.length);
			next.push(m);
		}
	}
	return index;
}

/**
 * `updates` (some of them removals) applied to `current`. With `strict`, a removal of an id that neither
 * the list nor an earlier removal of the update holds throws, and so does one of an AI message whose tool
 * calls keep answers in the list (decision 0237); without (replays), both are taken as stored.
 */
function withRemovals(
	current: readonly BaseMessage[],
	updates: readonly BaseMessage[],
	strict: boolean,
): BaseMessage[] {
	let list: Array<BaseMessage | undefined> = [...current];
	let index = build(current);
	// ids this update removed: removing one twice in an update is fine (as in LangGraph)
	const removed = new Set<string>();
	// AI messages making tool calls that this update removed: their answers must go too
	let callers: RemovedCaller[] | undefined;
	for (let i = 0; i < updates.length; i++) {
		const m = updates[i]!;
		const id = m.id;
		if (RemoveMessage.isInstance(m)) {
			if (id === REMOVE_ALL_MESSAGES) {
				list = [];
				index = new Map();
				continue;
			}
			const at = id === undefined ? undefined : index.get(id);
			if (at !== undefined) {
				if (strict) callers = removedCaller(list[at], i, callers);
				list[at] = undefined;
			} else if (strict && !removed.has(id ?? ""))
				throw removalOfMissingId(String(id), i);
			if (id !== undefined) {
				index.delete(id);
				removed.add(id);
			}
			continue;
		}
		const [withId] = withIds([m]);
		const at = index.get(withId!.id!);
		if (at !== undefined) list[at] = withId;
		else {
			index.set(withId!.id!, list.length);
			list.push(withId);
		}
	}
	const next = list.filter((m): m is BaseMessage => m !== undefined);
	if (callers !== undefined) refuseAnswersLeftBehind(next, callers);
	build(next);
	return next;
}
