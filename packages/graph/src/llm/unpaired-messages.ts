// A model call's messages whose tool calls and answers do not pair (decision 0244): providers refuse the
// request with a 400 that names neither the thread nor the message. The messages() reducer refuses
// writing such a list (0235, 0237), but a thread saved before them can hold one; the call refuses it first.
// An invalid tool call (arguments that did not parse) needs an answer too, and is sent as a call (0255).
import {
	AIMessage,
	type BaseMessage,
	type ToolMessage,
} from "@langchain/core/messages";
import { ValidationError } from "@weft/checkpoint";
import { callIds } from "./message-checks.ts";

const quote = (ids: readonly string[]) => ids.map((id) => `"${id}"`).join(", ");
const removals = (ids: readonly string[]) =>
	ids.map((id) => `new RemoveMessage({ id: "${id}" })`).join(", ");
const repair = (ids: readonly string[]) =>
	`graph.updateState(config, { messages: [${removals(ids)}] })`;

/**
 * The ids a ToolMessage may answer an invalid call by (its own id, or for one without the tool node's
 * `<message id>:invalid:<n>` and the supervisor's `<message id>:invalid`, as `callIds` lists them).
 */
function invalidCallIds(ai: AIMessage, n: number): string[] {
	const id = ai.invalid_tool_calls![n]!.id;
	return id !== undefined && id !== ""
		? [id]
		: [`${ai.id ?? "ai"}:invalid:${n}`, `${ai.id}:invalid`];
}

/**
 * Throws VALIDATION_FAILED (with `node`) when a ToolMessage of `input` answers no tool call of an AI
 * message in it, or an AI message's tool call (valid or invalid) has no ToolMessage answering it. Nothing
 * is repaired: the error names the messages and the `RemoveMessage`s that repair the thread. One pass over
 * the list. Returns the messages to send: `input` itself, or, when an AI message has invalid tool calls
 * (all answered by then), a copy in which each is a call of its message (`withInvalidCallsSent`).
 */
export function refuseUnpairedMessages(
	input: BaseMessage[],
	node: string,
): BaseMessage[] {
	// sets of ids only: what the refusal names is gathered again once one is found (perf, issue 17)
	let made: Set<string> | undefined;
	let answered: Set<string> | undefined;
	/** The ids of the valid tool calls, which each need an answer. */
	const owed: string[] = [];
	/** The AI messages with invalid calls, each of which needs an answer by one of its ids. */
	let invalid: AIMessage[] | undefined;
	for (let i = 0; i < input.length; i++) {
		const m = input[i]!;
		// one type read per message (isAIMessage and ToolMessage.isInstance read more)
		const type = m.getType();
		if (type === "ai") {
			const ai = m as AIMessage;
			const valid = ai.tool_calls?.length ?? 0;
			const bad = ai.invalid_tool_calls?.length ?? 0;
			if (valid + bad === 0) continue;
			made ??= new Set();
			const ids = callIds(ai);
			for (let k = 0; k < ids.length; k++) {
				made.add(ids[k]!);
				if (k < valid) owed.push(ids[k]!);
			}
			if (bad > 0) {
				invalid ??= [];
				invalid.push(ai);
			}
		} else if (type === "tool") {
			answered ??= new Set();
			answered.add((m as ToolMessage).tool_call_id);
		}
	}
	if (answered !== undefined)
		for (const id of answered)
			if (made?.has(id) !== true) throw orphanAnswers(input, made, node);
	for (let i = 0; i < owed.length; i++)
		if (answered?.has(owed[i]!) !== true)
			throw unansweredCalls(input, owed[i]!, answered, node);
	if (invalid === undefined) return input;
	for (const ai of invalid)
		for (let n = 0; n < ai.invalid_tool_calls!.length; n++) {
			const ids = invalidCallIds(ai, n);
			if (!ids.some((id) => answered?.has(id) === true))
				throw unansweredCalls(input, ids[0]!, answered, node);
		}
	return withInvalidCallsSent(input, invalid, answered!);
}

/**
 * `input` with each AI message of `invalid` replaced by a copy whose invalid calls are calls (arguments
 * `{}`, the id their answer uses). Providers build the assistant turn from `tool_calls` (OpenAI-style
 * converters read `additional_kwargs.tool_calls` only when there are none; Anthropic's and Google's
 * ignore invalid calls): the error answer the tool node gave an invalid call would answer no call they
 * send, a 400. The thread keeps the message as the model gave it.
 */
function withInvalidCallsSent(
	input: BaseMessage[],
	invalid: readonly AIMessage[],
	answered: ReadonlySet<string>,
): BaseMessage[] {
	const replaced = new Map<BaseMessage, AIMessage>();
	for (const ai of invalid) {
		const calls = ai.invalid_tool_calls!.map((c, n) => {
			const ids = invalidCallIds(ai, n);
			return {
				id: ids.find((id) => answered.has(id)) ?? ids[0]!,
				// a provider refuses a call without a name
				name:
					c.name !== undefined && c.name !== "" ? c.name : "invalid_tool_call",
				args: {},
				type: "tool_call" as const,
			};
		});
		replaced.set(
			ai,
			new AIMessage({
				content: ai.content,
				...(ai.id === undefined ? {} : { id: ai.id }),
				...(ai.name === undefined ? {} : { name: ai.name }),
				tool_calls: [...(ai.tool_calls ?? []), ...calls],
				invalid_tool_calls: [],
				additional_kwargs: ai.additional_kwargs,
				response_metadata: ai.response_metadata,
			}),
		);
	}
	return input.map((m) => replaced.get(m) ?? m);
}

/** A message's id, or its place in the call's messages when it has none. */
const idOf = (input: readonly BaseMessage[], m: BaseMessage): string =>
	m.id ?? `(no id, message ${input.indexOf(m)})`;

function orphanAnswers(
	input: readonly BaseMessage[],
	made: ReadonlySet<string> | undefined,
	node: string,
): ValidationError {
	const orphans = input.filter(
		(m) =>
			m.getType() === "tool" &&
			made?.has((m as ToolMessage).tool_call_id) !== true,
	) as ToolMessage[];
	const ids = orphans.map((m) => idOf(input, m));
	const callsOf = orphans.map((m) => m.tool_call_id);
	const message = `the model call's messages hold ${orphans.length === 1 ? "the ToolMessage" : "ToolMessages"} ${quote(ids)} answering tool calls (${quote(callsOf)}) that no AI message in them makes; providers refuse such a request, so it was not sent (a thread saved before decision 0235 can hold one)`;
	return new ValidationError(message, {
		node,
		// a message in a thread's state has an id (the messages() channel gives one): one without is the caller's
		hint: orphans.every((m) => m.id != null)
			? `if they come from the thread's state, remove them: ${repair(ids)}, then run again; else leave them out of the messages you pass`
			: "leave them out of the messages you pass to the model, or pass the AI message whose tool_calls they answer before them",
	});
}

/** The refusal of the AI message making call `callId`, which no ToolMessage answers. */
function unansweredCalls(
	input: readonly BaseMessage[],
	callId: string,
	answered: ReadonlySet<string> | undefined,
	node: string,
): ValidationError {
	const ai = input.findLast(
		(m) => m.getType() === "ai" && callIds(m as AIMessage).includes(callId),
	) as AIMessage;
	const own = callIds(ai);
	const open = own
		.slice(0, ai.tool_calls?.length ?? 0)
		.filter((c) => answered?.has(c) !== true);
	// an invalid call (arguments that did not parse) is named by its first id
	for (let n = 0; n < (ai.invalid_tool_calls?.length ?? 0); n++) {
		const ids = invalidCallIds(ai, n);
		if (!ids.some((c) => answered?.has(c) === true)) open.push(ids[0]!);
	}
	const answers = input
		.filter(
			(m) =>
				m.getType() === "tool" &&
				own.includes((m as ToolMessage).tool_call_id) &&
				m.id != null,
		)
		.map((m) => m.id!);
	const id = ai.id ?? "(no id)";
	const message = `the model call's messages hold the AI message "${id}" whose tool calls ${quote(open)} no ToolMessage answers; providers refuse such a request, so it was not sent (a thread saved before decision 0237 can hold one)`;
	return new ValidationError(message, {
		node,
		hint: `if it comes from the thread's state, remove it with its answers: ${repair([id, ...answers])}, or add a ToolMessage answering each of ${quote(open)}; then run again`,
	});
}
