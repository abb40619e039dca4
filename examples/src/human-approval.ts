// #region define
import {
	Command,
	human,
	MemoryCheckpointer,
	START,
	StateGraph,
} from "@weft/graph";
import { z } from "zod";

const review = human("review", {
	request: z.object({ draft: z.string() }),
	response: z.discriminatedUnion("action", [
		z.object({ action: z.literal("approve") }),
		z.object({ action: z.literal("reject"), reason: z.string() }),
		z.object({ action: z.literal("edit"), draft: z.string() }),
	]),
});

const State = z.object({
	request: z.string(),
	draft: z.string().default(""),
	sent: z.string().default(""),
});
export const sentMails: string[] = [];

export const graph = new StateGraph(State)
	.addNode("write", (s) => ({ draft: `Dear team, ${s.request}.` }))
	.addNode("approve", async (s, ctx) => {
		const answer = await review.ask(ctx, { draft: s.draft }); // pauses here
		if (answer.action === "reject")
			return { draft: `${s.draft} (rejected: ${answer.reason})` };
		const draft = answer.action === "edit" ? answer.draft : s.draft;
		// a side effect that must not repeat when the node runs again after a resume or a crash
		const receipt = await ctx.once("send-mail", () => {
			sentMails.push(draft);
			return `sent #${sentMails.length}`;
		});
		return { draft, sent: receipt };
	})
	.addEdge(START, "write")
	.addEdge("write", "approve")
	.compile({ checkpointer: new MemoryCheckpointer() });
// #endregion define

export async function main() {
	// #region run
	const paused = await graph.run(
		{ request: "the release is on Friday" },
		{ threadId: "mail-1" },
	);
	// paused.status === "interrupted"; the draft to review is in the request:
	// paused.interrupts[0].value: { human: "review", request: { draft: "Dear team, the release is on Friday." } }
	const done = await graph.run(new Command({ resume: { action: "approve" } }), {
		threadId: "mail-1",
	});
	// done.status === "done"; done.values.sent === "sent #1"
	// #endregion run
	return { paused, done };
}
