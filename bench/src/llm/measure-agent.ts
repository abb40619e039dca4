// L1's measurement, the same for both engines: per model call, what the agent layer adds to the calls.
import { type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { check, gc, now } from "../measure.ts";
import type { Sizes } from "../sizes.ts";
import { median, round } from "../stats.ts";
import {
	directCalls,
	finalAnswer,
	ScriptedAgentModel,
} from "./scripted-agent-model.ts";

/** Runs one agent invocation on a new thread; returns the final message list. */
export type AgentRun = (
	input: BaseMessage,
	threadId: string,
) => Promise<BaseMessage[]>;

export async function measureAgent(
	p: Sizes["l1"],
	build: (model: ScriptedAgentModel) => AgentRun,
) {
	const model = new ScriptedAgentModel(p.turns);
	const run = build(model);
	const callsPerRun = p.turns + 1;
	const verify = (messages: BaseMessage[], what: string) =>
		check(
			messages.length === 2 + 2 * p.turns &&
				messages.at(-1)?.content === finalAnswer(p.turns),
			`${what}: ${messages.length} messages, last "${String(messages.at(-1)?.content)}"`,
		);
	const time = async (
		fn: () => Promise<BaseMessage[]>,
		tag: string,
		warmup: number,
	) => {
		for (let i = 0; i < warmup; i++) verify(await fn(), tag);
		gc();
		const ms: number[] = [];
		for (let i = 0; i < p.runs; i++) {
			const t0 = now();
			const messages = await fn();
			ms.push(now() - t0);
			verify(messages, tag);
		}
		return median(ms);
	};
	let thread = 0;
	const agent = () =>
		run(new HumanMessage("look up every step"), `l1-${thread++}`);
	const direct = () =>
		directCalls(model, new HumanMessage("look up every step"));
	const agentMs = await time(agent, "agent", p.warmup);
	const before = model.calls;
	const directMs = await time(direct, "direct", p.warmup);
	check(
		model.calls - before === (p.warmup + p.runs) * callsPerRun,
		"the direct loop made one model call per turn",
	);
	const overhead = (agentRun: number, directRun: number) =>
		round(((agentRun - directRun) * 1000) / callsPerRun, 1);
	// both again after `compiledWarmup` more runs each: the overhead once the optimizing compiler is done
	// with both (row L1-c)
	let compiled: Record<string, number> | undefined;
	if (p.compiledWarmup > 0) {
		const agentAgain = await time(agent, "agent", p.compiledWarmup);
		const directAgain = await time(direct, "direct", p.compiledWarmup);
		compiled = {
			agent_ms_per_run: round(agentAgain, 3),
			direct_ms_per_run: round(directAgain, 3),
			overhead_us_per_model_call: overhead(agentAgain, directAgain),
		};
	}
	return {
		model_calls_per_run: callsPerRun,
		agent_ms_per_run: round(agentMs, 3),
		direct_ms_per_run: round(directMs, 3),
		overhead_us_per_model_call: overhead(agentMs, directMs),
		...(compiled === undefined ? {} : { compiled }),
	};
}
