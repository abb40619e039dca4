// The graph the chaos workers run: rounds of three parallel workers, then a human review. Node code
// writes to a side journal (see journal.ts) so a test can count who entered which node and which
// effects happened, outside the store under test.
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
import { readJournal, record } from "./journal.ts";

/** The log grows by what each step's workers append. */
const append = (log: string[], lines: string[]) => [...log, ...lines];

const State = z.object({
	log: reducer(z.array(z.string()), append, () => []),
	round: z.number().default(0),
	rounds: z.number(),
	verdict: z.string().default(""),
});

export type ChaosState = z.output<typeof State>;

export const review = human("final-review", {
	request: z.object({ lines: z.number() }),
	response: z.object({ action: z.enum(["approve", "reject"]) }),
});

export interface ChaosGraphOptions {
	/** The journal file. */
	journal: string;
	/** Milliseconds each worker waits before its effect (so kills and races land mid-step). */
	delayMs: number;
	/** How long a run's lease lasts without a heartbeat (short where a killed runner's thread is resumed). */
	leaseTtlMs?: number | undefined;
	/** Worker keys (`thread|round|name`) that throw before their effect (a step left with finished siblings). */
	failKeys?: readonly string[] | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An effect with an idempotency key: on a retry after a crash it first looks at the destination. */
async function effect(
	ctx: NodeContext,
	journal: string,
	key: string,
): Promise<string> {
	return ctx.once("effect", ({ retrying }) => {
		if (
			!retrying ||
			!readJournal(journal).some((l) => l.kind === "effect" && l.key === key)
		)
			record(journal, "effect", key);
		return key;
	});
}

const WORKERS: ("a" | "b" | "c")[] = ["a", "b", "c"];

export function chaosGraph(checkpointer: Checkpointer, o: ChaosGraphOptions) {
	const worker = (name: string) => async (s: ChaosState, ctx: NodeContext) => {
		const key = `${ctx.threadId}|${s.round}|${name}`;
		record(o.journal, "enter", key);
		await sleep(o.delayMs * (name === "c" ? 2 : 1));
		if (o.failKeys?.includes(key)) throw new Error(`chaos: ${key} fails`);
		await effect(ctx, o.journal, key);
		return { log: [`${name}${s.round}`] };
	};
	return (
		new StateGraph(State)
			.addNode("a", worker("a"))
			.addNode("b", worker("b"))
			.addNode("c", worker("c"))
			.addNode("next", (s) => ({ round: s.round + 1 }))
			.addNode("review", async (s, ctx) => {
				const answer = await review.ask(ctx, { lines: s.log.length });
				// journaled once the answer is taken (what taking it writes is done): a test that stops the
				// process on seeing it lands in the sleep, never inside a write holding SQLite's lock
				record(o.journal, "enter", `${ctx.threadId}|review`);
				await sleep(o.delayMs);
				await effect(ctx, o.journal, `${ctx.threadId}|review|${answer.action}`);
				return { verdict: answer.action };
			})
			// the three workers run in parallel each round, then "next" decides: another round, or the review
			.addConditionalEdges(START, () => WORKERS, WORKERS)
			.addEdge(WORKERS, "next")
			.addConditionalEdges(
				"next",
				(s) => (s.round < s.rounds ? WORKERS : "review"),
				[...WORKERS, "review"],
			)
			.addEdge("review", END)
			.compile({ checkpointer, leaseTtlMs: o.leaseTtlMs })
	);
}

/** The final log of an uninterrupted run of `rounds` rounds. */
export function expectedLog(rounds: number): string[] {
	const out: string[] = [];
	for (let r = 0; r < rounds; r++) out.push(`a${r}`, `b${r}`, `c${r}`);
	return out;
}

/** The effect keys of a thread that ran `rounds` rounds and was answered with `verdict`. */
export function expectedEffects(
	threadId: string,
	rounds: number,
	verdict?: string,
): string[] {
	const out: string[] = [];
	for (let r = 0; r < rounds; r++)
		for (const n of ["a", "b", "c"]) out.push(`${threadId}|${r}|${n}`);
	if (verdict !== undefined) out.push(`${threadId}|review|${verdict}`);
	return out.sort();
}
