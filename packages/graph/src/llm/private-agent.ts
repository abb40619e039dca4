import {
	type BaseMessage,
	HumanMessage,
	isAIMessage,
	isBaseMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { z } from "zod";
import { type CompiledGraph, type NodeContext, reducer } from "../index.ts";
import { handoffTarget } from "./handoff.ts";

const history = z.array(z.custom<BaseMessage>((v) => isBaseMessage(v)));

/** Each agent's own conversation, by agent name (used when histories are private). */
export const privateHistories = () =>
	reducer(
		z.record(z.string(), history),
		(current, update) => ({ ...current, ...update }),
		() => ({}),
	);

type Histories = Record<string, BaseMessage[]>;

/**
 * Runs an agent on its own conversation: it gets the latest task (the handoff's message or the user's
 * last message), and only its final answer (or its handoff) joins the shared conversation. The agent runs
 * as a subgraph (namespace: its name), so it can pause for approval and be resumed like a shared one.
 */
export function privateAgentNode(name: string, agent: CompiledGraph<any, any>) {
	return async (
		state: { messages: BaseMessage[]; histories: Histories },
		ctx: NodeContext,
	): Promise<{ messages: BaseMessage[]; histories: Histories }> => {
		const own = state.histories[name] ?? [];
		const input = [...own, new HumanMessage(taskFor(state.messages))];
		const out = await agent.invokeAsSubgraph(ctx, { messages: input });
		const inner: BaseMessage[] = out.messages ?? [];
		return { messages: publicTail(inner), histories: { [name]: inner } };
	};
}

/** What the agent is asked to do: the last handoff's message, else the last human message. */
function taskFor(list: readonly BaseMessage[]): string {
	const handoff = handoffTarget(list);
	if (handoff?.message !== undefined) return handoff.message;
	for (let i = list.length - 1; i >= 0; i--) {
		const m = list[i]!;
		if (m.getType() === "human") return m.text;
	}
	return "";
}

/** The part of an agent's run the others see: its handoff (call and answers), or its last message. */
function publicTail(inner: readonly BaseMessage[]): BaseMessage[] {
	if (handoffTarget(inner) !== undefined) {
		let i = inner.length - 1;
		while (i >= 0 && ToolMessage.isInstance(inner[i])) i--;
		if (i >= 0 && isAIMessage(inner[i]!)) return inner.slice(i);
	}
	const last = inner.at(-1);
	return last === undefined ? [] : [last];
}
