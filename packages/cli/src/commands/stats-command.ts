import { Command } from "commander";
import { type Act, withExamples } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import type { StoreOptions } from "../store.ts";
import { openEvalStore } from "./eval.ts";
import { stats } from "./stats.ts";

/** `weft stats` (see stats.ts), registered like every other command. */
export const statsCommand = (act: Act) => {
	const command = new Command("stats");
	// the feedback beside the threads (`weft feedback`), read from the same store
	const feedback = async (env: CommandEnv) => {
		const { listFeedback } = await import("@weft/evals");
		const store = await openEvalStore(
			env,
			command.optsWithGlobals<StoreOptions>(),
			"read",
		);
		try {
			return await listFeedback(store);
		} finally {
			await store.close?.();
		}
	};
	return withExamples(
		command
			.description(
				"p50/p95/p99 latency per node and model, error rates, tokens and cost, feedback per graph, node and thread (--graph name filters)",
			)
			.option(
				"--since <duration|date>",
				"only what ran since then: 30m, 1h, 7d or a date",
			)
			.action(
				act((env, o: { since?: string }) => stats(o, env, () => feedback(env))),
			),
		["weft stats", "weft stats --since 1h --graph office --json"],
	);
};
