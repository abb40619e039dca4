import {
	type BaseMessage,
	isBaseMessage,
	RemoveMessage,
} from "@langchain/core/messages";
import { z } from "zod";
import { reducer } from "../index.ts";

/** What a node may write to a `messages()` key: one message or several. */
export type MessagesUpdate = BaseMessage | readonly BaseMessage[];

/** The id of a `RemoveMessage` that clears the whole list (messages after it in the update stay). */
export const REMOVE_ALL_MESSAGES = "__remove_all__";

const message = z.custom<BaseMessage>((v) => isBaseMessage(v), {
	message: "expected a @langchain/core message (HumanMessage, AIMessage, …)",
});

// Ids are given while the update is validated, so the write that is saved already carries them:
// a replayed checkpoint rebuilds the same ids.
const update = z
	.union([message, z.array(message)])
	.transform((value) => withIds(Array.isArray(value) ? value : [value]));

/**
 * A state key holding a conversation of `@langchain/core` messages. An update appends; a message whose id
 * is already in the list replaces it in place; a `RemoveMessage` removes the message with its id; a message
 * without id gets one.
 * @example
 * const State = z.object({ messages: messages() });
 * // in a node: return { messages: new AIMessage("hi") };
 */
export function messages() {
	return reducer(z.array(message), applyMessages, () => [], {
		update: update as unknown as z.ZodType<MessagesUpdate>,
	});
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

/** The reducer: O(update) lookups through the shared index; removals rebuild the list once. */
export function applyMessages(
	current: readonly BaseMessage[],
	incoming: MessagesUpdate,
): BaseMessage[] {
	const updates = isBaseMessage(incoming)
		? [incoming]
		: (incoming as readonly BaseMessage[]);
	if (updates.length === 0) return current as BaseMessage[];
	if (updates.some((m) => RemoveMessage.isInstance(m)))
		return withRemovals(current, updates);
	const next = current.slice();
	let index = indexes.get(current) ?? build(current);
	for (const m of withIds([...updates])) {
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
	indexes.set(next, index);
	return next;
}

function withRemovals(
	current: readonly BaseMessage[],
	updates: readonly BaseMessage[],
): BaseMessage[] {
	let list: Array<BaseMessage | undefined> = [...current];
	let index = build(current);
	for (const m of updates) {
		const id = m.id;
		if (RemoveMessage.isInstance(m)) {
			if (id === REMOVE_ALL_MESSAGES) {
				list = [];
				index = new Map();
				continue;
			}
			const at = id === undefined ? undefined : index.get(id);
			// removing an id that is not there is a no-op: removals stay idempotent
			if (at !== undefined) list[at] = undefined;
			if (id !== undefined) index.delete(id);
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
	build(next);
	return next;
}
