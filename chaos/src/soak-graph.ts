// The graph of the server soak (test/server-soak.test.ts), loaded by `weft serve` and `weft worker` as a
// `--graph` module: `n` steps of ~120 ms, then, when `ask`, a human approval (`review`) whose answer `apply`
// appends to `applied`. Every step and the apply run their effect through `ctx.once`, which appends a line
// `<idempotencyKey> <pid> <ms> <retrying 0|1> <label>` to $WEFT_SOAK_EFFECTS, so an effect run twice is
// countable outside the store.
import { appendFileSync } from "node:fs";
import { END, reducer, START, StateGraph } from "@weft/graph";
import { z } from "zod";

const concat = () =>
	reducer(
		z.array(z.string()),
		(a: string[], b: string[]) => [...a, ...b],
		() => [],
	);

function effect(label: string) {
	return ({
		idempotencyKey,
		retrying,
	}: {
		idempotencyKey: string;
		retrying: boolean;
	}) => {
		const file = process.env.WEFT_SOAK_EFFECTS;
		if (file !== undefined)
			appendFileSync(
				file,
				`${idempotencyKey} ${process.pid} ${Date.now()} ${retrying ? 1 : 0} ${label}\n`,
			);
	};
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise<void>((resolve, reject) => {
		if (signal.aborted) return reject(signal.reason);
		const timer = setTimeout(resolve, ms);
		signal.addEventListener("abort", () => {
			clearTimeout(timer);
			reject(signal.reason);
		});
	});
}

export const soak = new StateGraph(
	z.object({
		i: z.number().default(0),
		n: z.number().default(3),
		ask: z.boolean().default(false),
		log: concat(),
		answer: z.string().default(""),
		applied: concat(),
	}),
)
	.addNode("step", async (s, ctx) => {
		await ctx.once("effect", effect(`step-${s.i}`));
		await pause(120, ctx.signal);
		return { i: s.i + 1, log: [`step-${s.i}`] };
	})
	.addNode("review", async (s, ctx) => {
		const answer = await ctx.interrupt<string>({
			question: `ok after ${s.i}?`,
		});
		return { answer };
	})
	.addNode("apply", async (s, ctx) => {
		await ctx.once("apply", effect(`apply:${s.answer}`));
		return { applied: [s.answer] };
	})
	.addEdge(START, "step")
	.addConditionalEdges("step", (s) =>
		s.i < s.n ? "step" : s.ask ? "review" : END,
	)
	.addEdge("review", "apply")
	.addEdge("apply", END)
	.compile({ name: "soak", leaseTtlMs: 1500 });
