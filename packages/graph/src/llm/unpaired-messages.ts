// A model call's messages whose tool calls and answers do not pair (decision 0244): providers refuse the
// request with a 400 that names neither the thread nor the message. The messages() reducer refuses
// writing such a list (0235, 0237), but a thread saved before them can hold one; the call refuses it first.
import {
	type AIMessage,
	type BaseMessage,
	isAIMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { ValidationError } from "@weft/checkpoint";
import { callIds } from "./message-checks.ts";

const quote = (ids: readonly string[]) => ids.map((id) => `"${id}"`).join(", ");
const removals = (ids: readonly string[]) =>
	ids.map((id) => `new RemoveMessage({ id: "${id}" })`).join(", ");
const repair = (ids: readonly string[]) =>
	`graph.updateState(config, { messages: [${removals(ids)}] })`;

/**
 * Throws VALIDATION_FAILED (with `node`) when a ToolMessage of `input` answers no tool call of an AI
 * message in it, or an AI message's tool call has no ToolMessage answering it. Nothing is repaired: the
 * error names the messages and the `RemoveMessage`s that repair the thread. One pass over the list.
 */
export function refuseUnpairedMessages(
	input: readonly BaseMessage[],
	node: string,
): void {
	const calls = new Map<string, AIMessage>();
	const answers = new Map<string, BaseMessage[]>();
	for (const m of input) {
		if (isAIMessage(m)) {
			const valid = m.tool_calls?.length ?? 0;
			if (valid + (m.invalid_tool_calls?.length ?? 0) > 0)
				for (const id of callIds(m)) calls.set(id, m);
		} else if (ToolMessage.isInstance(m)) {
			const list = answers.get(m.tool_call_id);
			if (list === undefined) answers.set(m.tool_call_id, [m]);
			else list.push(m);
		}
	}
	const orphans: BaseMessage[] = [];
	for (const [id, list] of answers) if (!calls.has(id)) orphans.push(...list);
	if (orphans.length > 0) throw orphanAnswers(input, orphans, node);
	for (const m of input) {
		if (!isAIMessage(m) || !m.tool_calls?.length) continue;
		const own = callIds(m).slice(0, m.tool_calls.length);
		const open = own.filter((id) => !answers.has(id));
		if (open.length > 0) throw unansweredCalls(m, open, answers, node);
	}
}

/** A message's id, or its place in the call's messages when it has none. */
const idOf = (input: readonly BaseMessage[], m: BaseMessage): string =>
	m.id ?? `(no id, message ${input.indexOf(m)})`;

function orphanAnswers(
	input: readonly BaseMessage[],
	orphans: readonly BaseMessage[],
	node: string,
): ValidationError {
	const ids = orphans.map((m) => idOf(input, m));
	const callsOf = orphans.map((m) => (m as ToolMessage).tool_call_id);
	const message = `the model call's messages hold ${orphans.length === 1 ? "the ToolMessage" : "ToolMessages"} ${quote(ids)} answering tool calls (${quote(callsOf)}) that no AI message in them makes; providers refuse such a request, so it was not sent (a thread saved before decision 0235 can hold one)`;
	return new ValidationError(message, {
		node,
		// a message in a thread's state has an id (the messages() channel gives one): one without is the caller's
		hint: orphans.every((m) => m.id != null)
			? `if they come from the thread's state, remove them: ${repair(ids)}, then run again; else leave them out of the messages you pass`
			: "leave them out of the messages you pass to the model, or pass the AI message whose tool_calls they answer before them",
	});
}

function unansweredCalls(
	ai: AIMessage,
	open: readonly string[],
	answers: ReadonlyMap<string, BaseMessage[]>,
	node: string,
): ValidationError {
	const id = ai.id ?? "(no id)";
	const answered = callIds(ai).flatMap((c) =>
		(answers.get(c) ?? []).map((m) => m.id ?? ""),
	);
	const message = `the model call's messages hold the AI message "${id}" whose tool calls ${quote(open)} no ToolMessage answers; providers refuse such a request, so it was not sent (a thread saved before decision 0237 can hold one)`;
	return new ValidationError(message, {
		node,
		hint: `if it comes from the thread's state, remove it with its answers: ${repair([id, ...answered.filter((a) => a !== "")])}, or add a ToolMessage answering each of ${quote(open)}; then run again`,
	});
}
