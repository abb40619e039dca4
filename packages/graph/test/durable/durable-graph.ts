// A graph for the cross-process tests, run by child processes (durable-child.ts) on a SQLite file or a
// Postgres schema. Every node records its runs and its effects in files so the parent can check that
// resuming after a crash never repeats a finished node or a `ctx.once` effect.
import { appendFileSync, readFileSync } from "node:fs";
import type { Checkpointer } from "@weft/checkpoint";
import {
	END,
	human,
	type NodeContext,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { z } from "zod";

const State = z.object({
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	round: z.number().default(0),
	rounds: z.number(),
	verdict: z.string().default(""),
});

export interface DurableOptions {
	/** File that gets a line per node run (appended as the node starts). */
	runsFile: string;
	/** File that gets a line per `ctx.once` effect. */
	effectsFile: string;
	/** Milliseconds each worker waits (so a kill lands mid-step). */
	delayMs: number;
	/** Ask for an approval at the end. */
	approval: boolean;
}

const review = human("final-review", {
	request: z.object({ lines: z.number() }),
	response: z.object({ action: z.enum(["approve", "reject"]) }),
});

export function durableGraph(checkpointer: Checkpointer, o: DurableOptions) {
	const worker =
		(name: string) => async (s: z.output<typeof State>, ctx: NodeContext) => {
			appendFileSync(o.runsFile, `${s.round}:${name}\n`);
			await new Promise((r) =>
				setTimeout(r, o.delayMs * (name === "c" ? 2 : 1)),
			);
			const line = `${s.round}:${name}`;
			const receipt = await ctx.once("effect", ({ retrying }) => {
				// the process died after the effect but before its result was saved: look at the destination
				if (!retrying || !readLines(o.effectsFile).includes(line))
					appendFileSync(o.effectsFile, `${line}\n`);
				return `${name}${s.round}`;
			});
			return { log: [receipt] };
		};
	return new StateGraph(State)
		.addNode("a", worker("a"))
		.addNode("b", worker("b"))
		.addNode("c", worker("c"))
		.addNode("next", (s) => ({ round: s.round + 1 }))
		.addNode("review", async (s, ctx) => {
			if (!o.approval) return { verdict: "skipped" };
			const answer = await review.ask(ctx, { lines: s.log.length });
			return { verdict: answer.action };
		})
		.addEdge(START, "a")
		.addEdge(START, "b")
		.addEdge(START, "c")
		.addEdge(["a", "b", "c"], "next")
		.addConditionalEdges(
			"next",
			(s) => (s.round < s.rounds ? ["a", "b", "c"] : "review"),
			["a", "b", "c", "review"],
		)
		.addEdge("review", END)
		// a killed process's lease lapses quickly, so the next process can take the thread over
		.compile({ checkpointer, leaseTtlMs: 400 });
}

function readLines(file: string): string[] {
	try {
		return readFileSync(file, "utf8").split("\n");
	} catch {
		return [];
	}
}

/** The final log of an uninterrupted run. */
export function expectedLog(rounds: number): string[] {
	const out: string[] = [];
	for (let r = 0; r < rounds; r++) out.push(`a${r}`, `b${r}`, `c${r}`);
	return out;
}
