import {
	type BaseMessage,
	HumanMessage,
	isAIMessage,
	isBaseMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { z } from "zod";
import {
	type CompiledGraph,
	type NodeContext,
	reducer,
	WeftError,
} from "../index.ts";
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
 * last message), and only its final answer (or its handoff) joins the shared conversation. The whole run
 * happens once per node task; its tokens and events are passed on.
 */
export function privateAgentNode(name: string, agent: CompiledGraph<any, any>) {
	return async (
		state: { messages: BaseMessage[]; histories: Histories },
		ctx: NodeContext,
	): Promise<{ messages: BaseMessage[]; histories: Histories }> => {
		const own = state.histories[name] ?? [];
		const input = [...own, new HumanMessage(taskFor(state.messages))];
		const inner = await ctx.once(`agent:${name}`, () =>
			runInner(agent, input, ctx, name),
		);
		return { messages: publicTail(inner), histories: { [name]: inner } };
	};
}

async function runInner(
	agent: CompiledGraph<any, any>,
	input: BaseMessage[],
	ctx: NodeContext,
	name: string,
): Promise<BaseMessage[]> {
	let result:
		| { status: string; values: { messages?: BaseMessage[] }; usage: any }
		| undefined;
	const events = agent.stream(
		{ messages: input },
		{
			context: { ...ctx.context },
			signal: ctx.signal,
			mode: ["messages", "custom"],
			// an agent compiled with its own checkpointer needs a thread: a fresh one per turn
			...(agent.checkpointer === undefined
				? {}
				: {
						threadId: `${ctx.threadId ?? "run"}:${name}:${ctx.step}:${crypto.randomUUID()}`,
					}),
		},
	);
	for await (const ev of events) {
		if (ev.type === "message") ctx.emitMessage(ev.chunk);
		else if (ev.type === "custom") ctx.emit(ev.data);
		else if (ev.type === "end") result = ev.result as typeof result;
	}
	if (result?.status !== "done") {
		throw new WeftError(
			"NODE_FAILED",
			`agent "${name}" with a private history ended ${result?.status ?? "without a result"}`,
			{
				hint: "an agent that pauses for approval needs shared history (it then runs as a subgraph and can be resumed)",
			},
		);
	}
	for (const [model, totals] of Object.entries(
		result.usage.byModel as Record<string, any>,
	))
		ctx.reportUsage({
			model,
			inputTokens: totals.inputTokens,
			outputTokens: totals.outputTokens,
			cachedTokens: totals.cachedTokens,
			calls: totals.calls,
			...(totals.costUsd === undefined ? {} : { costUsd: totals.costUsd }),
		});
	return result.values.messages ?? [];
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
