import type { Interrupt } from "@weft/graph";
import { UsageError } from "./cli-error.ts";
import { WEFT } from "./invocation.ts";
import { shellWord } from "./store.ts";

/** A tool call an agent's approval request waits on. */
export interface ToolCall {
	id: string;
	name: string;
	args: Record<string, unknown>;
}

/** Where the answer goes: for commands printed to paste. */
export interface AnswerPlace {
	threadId: string;
	storeFlags: string;
}

/** The tool calls an agent's approval request waits on (undefined for any other request). */
export function toolCallsOf(request: Interrupt): ToolCall[] | undefined {
	const v = request.value as {
		human?: unknown;
		request?: { toolCalls?: unknown };
	} | null;
	return v?.human === "approve" && Array.isArray(v.request?.toolCalls)
		? (v.request.toolCalls as ToolCall[])
		: undefined;
}

/**
 * `--edit` on a tool approval: the keys given replace those of the call's arguments, the others are kept
 * (an edit, not a new call; `weft resume --value '{"action":"edit","args":{…}}'` replaces them all). With
 * several calls waiting, `--call <id>` names the one edited and the others are approved as they are
 * (the graph's `{ byId }` answer, which needs a decision for every call).
 */
export function editedCall(
	calls: ToolCall[],
	edit: unknown,
	callId: string | undefined,
	place: AnswerPlace,
): unknown {
	if (typeof edit !== "object" || edit === null || Array.isArray(edit))
		throw new UsageError(
			"--edit on a tool approval takes an object of the arguments to change",
			`e.g. --edit '{"body":"…"}' (the other arguments are kept)`,
		);
	const ids = calls.map((c) => `${c.id} (${c.name})`).join(", ");
	if (callId === undefined && calls.length !== 1) {
		const approveAll = JSON.stringify({
			byId: Object.fromEntries(calls.map((c) => [c.id, { action: "approve" }])),
		});
		const thread = shellWord(place.threadId);
		throw new UsageError(
			`${calls.length} tool calls wait for approval: say which one --edit changes`,
			`name it by its id: \`${WEFT}${place.storeFlags} approve ${thread} --call <id> --edit ${shellWord(JSON.stringify(edit))}\` (the others are approved as they are); ids: ${ids}. To decide each call, answer \`${WEFT}${place.storeFlags} resume ${thread} --value '${approveAll}'\` with a decision per id ({"action":"edit","args":{…all its arguments}} or {"action":"reject","reason":"…"})`,
		);
	}
	const call =
		callId === undefined ? calls[0]! : calls.find((c) => c.id === callId);
	if (call === undefined)
		throw new UsageError(
			`no tool call "${callId}" waits for approval in thread "${place.threadId}"`,
			`give --call one of: ${ids}`,
		);
	const edited = {
		action: "edit",
		args: { ...call.args, ...(edit as Record<string, unknown>) },
	};
	if (calls.length === 1) return edited;
	return {
		byId: Object.fromEntries(
			calls.map((c) => [c.id, c === call ? edited : { action: "approve" }]),
		),
	};
}

/** "edit send_email: body replaced; to kept as it was" ("…; to, cc kept as they were"): what `--edit` changes in a call. */
export function editText(
	request: Interrupt,
	value: unknown,
): string | undefined {
	const calls = toolCallsOf(request) ?? [];
	const byId = (value as { byId?: Record<string, { args?: unknown }> } | null)
		?.byId;
	const call =
		byId === undefined
			? calls[0]
			: calls.find((c) => byId[c.id]?.args !== undefined);
	const decided = byId === undefined ? value : call && byId[call.id];
	const args = (decided as { args?: Record<string, unknown> } | undefined)
		?.args;
	if (call === undefined || args === undefined) return undefined;
	const changed = Object.keys(args).filter(
		(k) => JSON.stringify(args[k]) !== JSON.stringify(call.args[k]),
	);
	const kept = Object.keys(args).filter((k) => !changed.includes(k));
	const others = calls.length - 1;
	return `edit ${call.name}${byId === undefined ? "" : ` (${call.id})`}: ${changed.length === 0 ? "nothing changed" : `${changed.join(", ")} replaced`}${kept.length === 0 ? "" : `; ${kept.join(", ")} kept as ${kept.length === 1 ? "it was" : "they were"}`}${byId === undefined || others === 0 ? "" : `; ${others} other call${others === 1 ? "" : "s"} approved as ${others === 1 ? "it is" : "they are"}`}`;
}
