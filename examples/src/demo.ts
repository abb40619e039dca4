import { realpathSync } from "node:fs";
// The README's first command runs this: a small agent-style run that pauses for a human approval, then
// travels back in time to fork and re-run a past step. Offline, deterministic, a few seconds.
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { styleText } from "node:util";
import {
	Command,
	END,
	human,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { z } from "zod";

const State = z.object({
	topic: z.string(),
	tone: z.enum(["plain", "upbeat"]).default("plain"),
	facts: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	draft: z.string().default(""),
	published: z.string().default(""),
});

const review = human("review", {
	request: z.object({ draft: z.string() }),
	response: z.discriminatedUnion("action", [
		z.object({ action: z.literal("approve") }),
		z.object({ action: z.literal("reject"), reason: z.string() }),
	]),
});

const FACTS: Record<string, string[]> = {
	gather_changes: [
		"Checkpoints now store only what each step wrote.",
		"Forks never see each other's writes.",
	],
	gather_fixes: ["A rejected approval no longer loses the draft."],
};

export const graph = new StateGraph(State)
	.addNode("gather_changes", () => ({ facts: FACTS.gather_changes! }))
	.addNode("gather_fixes", () => ({ facts: FACTS.gather_fixes! }))
	.addNode("write", (s) => {
		const opener =
			s.tone === "upbeat"
				? `Big news about ${s.topic}!`
				: `Release notes for ${s.topic}.`;
		return { draft: [opener, ...s.facts.map((f) => `- ${f}`)].join("\n") };
	})
	.addNode("approve", async (s, ctx) => {
		const answer = await review.ask(ctx, { draft: s.draft });
		if (answer.action === "reject")
			return { draft: `${s.draft}\n(rejected: ${answer.reason})` };
		return {
			published: await ctx.once(
				"publish",
				() => `published ${s.draft.split("\n").length} lines`,
			),
		};
	})
	.addEdge(START, "gather_changes")
	.addEdge(START, "gather_fixes")
	.addEdge(["gather_changes", "gather_fixes"], "write")
	.addEdge("write", "approve")
	.addEdge("approve", END)
	.compile({ checkpointer: new MemoryCheckpointer() });

const say = (text = "") => process.stdout.write(`${text}\n`);
const dim = (t: string) => styleText("dim", t);
const bold = (t: string) => styleText("bold", t);

async function askApproval(
	draft: string,
	yes: boolean,
): Promise<{ action: "approve" } | { action: "reject"; reason: string }> {
	if (yes || !process.stdin.isTTY) {
		say(dim(`   (no terminal to ask, or --yes: approving)`));
		return { action: "approve" };
	}
	const rl = createInterface({ input: process.stdin, output: process.stdout });
	try {
		say(draft.replace(/^/gm, "   │ "));
		const answer = (
			await rl.question("   approve? [Y/n/reason to reject] ")
		).trim();
		return answer === "" || /^y(es)?$/i.test(answer)
			? { action: "approve" }
			: { action: "reject", reason: answer };
	} finally {
		rl.close();
	}
}

export async function main(argv: string[] = process.argv.slice(2)) {
	const yes = argv.includes("--yes");
	const threadId = "demo";
	say(bold("Weft demo: a run that waits for a human, then time travel"));
	say();
	say(`1. Run the graph on thread "${threadId}"`);
	for await (const event of graph.stream(
		{ topic: "Weft 0.1" },
		{ threadId, mode: "updates" },
	)) {
		if (event.type === "update")
			say(
				`   step ${event.step}  ${event.node.padEnd(15)} wrote ${Object.keys(event.data).join(", ")}`,
			);
		if (event.type === "interrupt")
			say(
				styleText(
					"yellow",
					`   ⏸ paused at "${event.interrupts[0]!.node}": waiting for approval`,
				),
			);
	}
	const paused = await graph.getState({ threadId });
	const request = paused.interrupts[0]!.value as { request: { draft: string } };
	say();
	say(
		"2. Answer the approval (the state is saved: this could happen days later, in another process)",
	);
	const answer = await askApproval(request.request.draft, yes);
	const done = await graph.run(new Command({ resume: answer }), { threadId });
	say(
		`   ${done.status}: ${done.values.published || done.values.draft.split("\n").at(-1)}`,
	);
	say();
	say("3. Travel back: the history of the thread, newest first");
	const history = [];
	for await (const s of graph.getStateHistory({ threadId })) history.push(s);
	for (const s of history) {
		say(
			`   step ${s.step}  ${s.source.padEnd(6)} ${(s.metadata.nodes as string[]).join("+").padEnd(30)} ${dim(s.checkpointId.slice(-12))}`,
		);
	}
	const beforeWrite = history.find((s) => s.next.includes("write"))!;
	say();
	say(
		`4. Fork at step ${beforeWrite.step} with an upbeat tone, and run on from there as a new branch`,
	);
	const fork = await graph.updateState(
		{ threadId, checkpointId: beforeWrite.checkpointId },
		{ tone: "upbeat" },
	);
	const branch = await graph.run(null, fork);
	const again =
		branch.status === "interrupted"
			? await graph.run(new Command({ resume: { action: "approve" } }), {
					threadId,
				})
			: branch;
	say(`   new branch ${again.status}: "${again.values.draft.split("\n")[0]}"`);
	const diff = await graph.diffStates(
		{ threadId, checkpointId: history[0]!.checkpointId },
		{ threadId, checkpointId: again.checkpointId! },
	);
	for (const d of diff)
		say(
			`   ${d.kind.padEnd(8)} ${d.path.join(".")}: ${JSON.stringify(d.before)} → ${JSON.stringify(d.after)}`,
		);
	say();
	say(
		dim(
			"The original branch is untouched: getState({ threadId, checkpointId }) still reads it.",
		),
	);
	return { done, again, diff };
}

if (
	process.argv[1] !== undefined &&
	realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
) {
	await main();
}
