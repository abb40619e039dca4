import { Command } from "commander";
import { type Act, withExamples } from "../command-kit.ts";
import { stats } from "./stats.ts";

/** `weft stats` (see stats.ts), registered like every other command. */
export const statsCommand = (act: Act) =>
	withExamples(
		new Command("stats")
			.description(
				"p50/p95/p99 latency per node and model, error rates, tokens and cost (--graph name filters)",
			)
			.option(
				"--since <duration|date>",
				"only what ran since then: 30m, 1h, 7d or a date",
			)
			.action(act((env, o: { since?: string }) => stats(o, env))),
		["weft stats", "weft stats --since 1h --graph office --json"],
	);
