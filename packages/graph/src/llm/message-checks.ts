// What a messages() key refuses of a write (decision 0235): a removal of an id the list does not hold, and
// a ToolMessage answering no tool call of the list (providers refuse the next request with it: a 400);
// and a removal of an AI message whose calls keep answers in the list, orphans in the same way (0237).
// Only writes are checked: a replay of stored writes takes them as they were saved.
import {
	type AIMessage,
	type BaseMessage,
	isAIMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { ValidationError } from "@weft/checkpoint";

/**
 * A `RemoveMessage` of an id the list lacks (LangGraph's reducer refuses it too): a typo or a stale id
 * would otherwise remove nothing without a word. `at`: its place in the update. The channel names the
 * node and key (channels.ts, `merged`).
 */
export function removalOfMissingId(id: string, at: number): ValidationError {
	const message = `RemoveMessage removes the message with id "${id}", which is not in the list`;
	return new ValidationError(message, {
		issues: [{ code: "custom", path: [at], message }],
		hint: "remove an id the list holds (read them from getState().values), or clear the list with new RemoveMessage({ id: REMOVE_ALL_MESSAGES })",
	});
}

/**
 * Throws when a ToolMessage of `updates` (still in `list`, the list the update made) answers a tool call
 * that no AI message of `list` makes. Looks back from the newest message and stops once every answer
 * found its call: a tool node's answers find theirs a few messages back, not O(list) per step.
 */
export function refuseOrphanAnswers(
	list: readonly BaseMessage[],
	updates: readonly BaseMessage[],
): void {
	let wanted: Map<string, number> | undefined;
	for (let i = 0; i < updates.length; i++) {
		const m = updates[i]!;
		if (!ToolMessage.isInstance(m)) continue;
		wanted ??= new Map();
		if (!wanted.has(m.tool_call_id)) wanted.set(m.tool_call_id, i);
	}
	if (wanted === undefined) return;
	for (let j = list.length - 1; j >= 0 && wanted.size > 0; j--) {
		const m = list[j]!;
		if (isAIMessage(m)) for (const id of callIds(m)) wanted.delete(id);
	}
	for (const [id, at] of wanted) {
		// an answer the same update removed again is no answer in the list
		if (!list.includes(updates[at]!)) continue;
		throw orphanAnswer(id, at);
	}
}

/**
 * An AI message making tool calls that a write removed, or `replaced` by id (with a message that may drop
 * calls), and where its `RemoveMessage` or replacement is in the update.
 */
export interface RemovedCaller {
	ai: AIMessage;
	at: number;
	replaced?: true;
}

/** `callers` with `gone` (the message a removal at `at` takes out) added when it makes tool calls. */
export function removedCaller(
	gone: BaseMessage | undefined,
	at: number,
	callers: RemovedCaller[] | undefined,
	replaced = false,
): RemovedCaller[] | undefined {
	if (gone === undefined || !isAIMessage(gone)) return callers;
	if (!gone.tool_calls?.length && !gone.invalid_tool_calls?.length)
		return callers;
	const one: RemovedCaller = replaced
		? { ai: gone, at, replaced }
		: { ai: gone, at };
	if (callers === undefined) return [one];
	callers.push(one);
	return callers;
}

/**
 * Throws when a ToolMessage of `list` (the list a write made) answers a call of an AI message the write
 * removed and of no AI message left in it: the answer would reach the next model call without its call.
 * O(list), only for a write that removed an AI message making calls (never an agent loop's).
 */
export function refuseAnswersLeftBehind(
	list: readonly BaseMessage[],
	callers: readonly RemovedCaller[],
): void {
	const callerOf = new Map<string, RemovedCaller>();
	for (const c of callers) for (const id of callIds(c.ai)) callerOf.set(id, c);
	// a call another message of the list makes (re-added, or the same id twice) still has its answers
	for (const m of list)
		if (isAIMessage(m)) for (const id of callIds(m)) callerOf.delete(id);
	if (callerOf.size === 0) return;
	const left = new Map<RemovedCaller, string[]>();
	for (const m of list) {
		if (!ToolMessage.isInstance(m)) continue;
		const caller = callerOf.get(m.tool_call_id);
		if (caller === undefined) continue;
		const ids = left.get(caller);
		if (ids === undefined) left.set(caller, [String(m.id)]);
		else ids.push(String(m.id));
	}
	for (const c of callers) {
		const ids = left.get(c);
		if (ids !== undefined) throw answersLeftBehind(c, ids);
	}
}

/**
 * The ids a ToolMessage may answer an AI message's calls by: a call's own id, or for a call without one
 * the id the tool node answers it under (`<message id>:<n>`, `:invalid:<n>`; the supervisor's
 * `:invalid`), as in decision 0207.
 */
export function callIds(ai: AIMessage): string[] {
	// without a helper closure for "has an id of its own": ≈ 17 × faster (perf, issue 17)
	const out: string[] = [];
	const valid = ai.tool_calls;
	if (valid !== undefined)
		for (let n = 0; n < valid.length; n++) {
			const id = valid[n]!.id;
			out.push(id !== undefined && id !== "" ? id : `${ai.id ?? "ai"}:${n}`);
		}
	const invalid = ai.invalid_tool_calls;
	if (invalid !== undefined)
		for (let n = 0; n < invalid.length; n++) {
			const id = invalid[n]!.id;
			if (id !== undefined && id !== "") out.push(id);
			else out.push(`${ai.id ?? "ai"}:invalid:${n}`, `${ai.id}:invalid`);
		}
	return out;
}

function orphanAnswer(id: string, at: number): ValidationError {
	const message = `the ToolMessage answers tool call "${id}", which no AI message in the list makes`;
	return new ValidationError(message, {
		issues: [{ code: "custom", path: [at], message }],
		hint: "write the AIMessage whose tool_calls hold that id first (it may come earlier in the same update), or fix the ToolMessage's tool_call_id",
	});
}

function answersLeftBehind(
	{ ai, at, replaced }: RemovedCaller,
	answers: readonly string[],
): ValidationError {
	const quoted = answers.map((id) => `"${id}"`).join(", ");
	const what =
		replaced === true
			? `the update replaces the AI message "${ai.id}" with one that drops the tool calls the ToolMessages ${quoted} answer`
			: `RemoveMessage removes the AI message "${ai.id}", whose tool calls the ToolMessages ${quoted} answer`;
	const message = `${what}: they would stay in the list without their call, and providers refuse the next model request with them`;
	const removals = answers
		.map((id) => `new RemoveMessage({ id: "${id}" })`)
		.join(", ");
	return new ValidationError(message, {
		issues: [{ code: "custom", path: [at], message }],
		hint: `remove those ToolMessages in the same update too (${removals}), or keep ${replaced === true ? "the calls in the new message" : "the AI message"}`,
	});
}
