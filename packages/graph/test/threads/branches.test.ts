import {
	Command,
	human,
	isWeftError,
	MemoryCheckpointer,
	mayBeWaiting,
	START,
	StateGraph,
	waitingRequests,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({
	draft: z.string().default(""),
	sent: z.string().default(""),
});

const review = human("review", {
	request: z.object({ draft: z.string() }),
	response: z.object({ action: z.enum(["approve", "reject"]) }),
});

function build() {
	const receipts: string[] = [];
	const cp = new MemoryCheckpointer();
	const graph = new StateGraph(State)
		.addNode("write", (s) => ({ draft: `${s.draft}!` }))
		.addNode("approve", async (s, ctx) => {
			const receipt = await ctx.once("prepare", () => {
				receipts.push(`rcpt#${receipts.length + 1}`);
				return receipts.at(-1)!;
			});
			const answer = await review.ask(ctx, { draft: s.draft });
			return { sent: `${answer.action}:${receipt}` };
		})
		.addEdge(START, "write")
		.addEdge("write", "approve")
		.compile({ checkpointer: cp });
	return { graph, cp, receipts };
}

async function history(
	graph: ReturnType<typeof build>["graph"],
	threadId: string,
) {
	const out = [];
	for await (const s of graph.getStateHistory({ threadId })) out.push(s);
	return out;
}

describe("branches", () => {
	it("an approval on a forked branch can be answered by checkpoint, by id and as the newest head", async () => {
		for (const how of ["checkpoint", "id", "latest"] as const) {
			const { graph, cp } = build();
			const first = await graph.run({ draft: "a" }, { threadId: "t" });
			expect(first.status).toBe("interrupted");
			const input = (await history(graph, "t")).find((s) => s.step === 0)!;
			// continue from the input checkpoint: a new branch that pauses at the same approval
			const fork = await graph.run(null, {
				threadId: "t",
				checkpointId: input.checkpointId,
			});
			expect(fork.status).toBe("interrupted");
			const interrupt = fork.interrupts[0]!;
			const resume =
				how === "id"
					? new Command({ resume: { [interrupt.id]: { action: "approve" } } })
					: new Command({ resume: { action: "approve" } });
			const done = await graph.run(resume, {
				threadId: "t",
				...(how === "checkpoint" ? { checkpointId: fork.checkpointId } : {}),
			});
			expect(done.status).toBe("done");
			expect(done.values.sent).toMatch(/^approve:/);
			// the original branch is still paused, unchanged, and can be answered too
			const original = await graph.getState({
				threadId: "t",
				checkpointId: first.checkpointId!,
			});
			expect(original.interrupts).toHaveLength(1);
			const thread = await cp.getThread("t");
			expect(thread?.heads.length).toBe(2);
			const other = await graph.run(
				new Command({ resume: { action: "reject" } }),
				{ threadId: "t", checkpointId: first.checkpointId! },
			);
			expect(other.values.sent).toMatch(/^reject:/);
		}
	});

	it("waitingRequests lists the request on every head, the newest branch first, whatever the thread's status", async () => {
		const { graph, cp } = build();
		const first = await graph.run({ draft: "a" }, { threadId: "t" });
		const input = (await history(graph, "t")).find((s) => s.step === 0)!;
		const fork = await graph.run(null, {
			threadId: "t",
			checkpointId: input.checkpointId,
		});
		// answering the fork ends the branch that ran last: the thread reads `done`, the original waits
		await graph.run(new Command({ resume: { action: "approve" } }), {
			threadId: "t",
			checkpointId: fork.checkpointId!,
		});
		const thread = (await cp.getThread("t"))!;
		expect(thread.status).toBe("done");
		expect(mayBeWaiting(thread)).toBe(true);
		const waiting = await waitingRequests(cp, thread);
		expect(waiting).toEqual([
			{
				...first.interrupts[0]!,
				threadId: "t",
				checkpointId: first.checkpointId,
				branch: 2,
			},
		]);
		// one head that ended: nothing can wait there
		const single = build();
		await single.graph.run({ draft: "b" }, { threadId: "u" });
		await single.graph.run(new Command({ resume: { action: "approve" } }), {
			threadId: "u",
		});
		expect(mayBeWaiting((await single.cp.getThread("u"))!)).toBe(false);
	});

	it("replaying a paused checkpoint never rewrites the original branch", async () => {
		const { graph, receipts } = build();
		const first = await graph.run({ draft: "a" }, { threadId: "t" });
		const before = await graph.getState({
			threadId: "t",
			checkpointId: first.checkpointId!,
		});
		const replay = await graph.replay({
			threadId: "t",
			checkpointId: first.checkpointId!,
		});
		expect(replay.status).toBe("interrupted");
		expect(replay.checkpointId).not.toBe(first.checkpointId);
		expect(receipts).toEqual(["rcpt#1", "rcpt#2"]);
		const after = await graph.getState({
			threadId: "t",
			checkpointId: first.checkpointId!,
		});
		expect(after.interrupts).toEqual(before.interrupts);
		// resuming the original uses its own receipt, not the replay's
		const done = await graph.run(
			new Command({ resume: { action: "approve" } }),
			{
				threadId: "t",
				checkpointId: first.checkpointId!,
			},
		);
		expect(done.values.sent).toBe("approve:rcpt#1");
		const replayed = await graph.run(
			new Command({ resume: { action: "approve" } }),
			{ threadId: "t", checkpointId: replay.checkpointId! },
		);
		expect(replayed.values.sent).toBe("approve:rcpt#2");
		expect(receipts).toHaveLength(2);
	});

	it("a resume with no pending interrupt on the newest head says so", async () => {
		const { graph } = build();
		await graph.run({ draft: "a" }, { threadId: "t" });
		await graph.run(new Command({ resume: { action: "approve" } }), {
			threadId: "t",
		});
		const again = await graph
			.run(new Command({ resume: { action: "approve" } }), { threadId: "t" })
			.catch((e: unknown) => e);
		expect(isWeftError(again, "NO_PENDING_INTERRUPT")).toBe(true);
	});

	it("a resume with no pending interrupt on the newest head names the branch where one waits", async () => {
		const { graph } = build();
		const first = await graph.run({ draft: "a" }, { threadId: "t" });
		const input = (await history(graph, "t")).find((s) => s.step === 0)!;
		// the newest head: a fork from the input, where nothing was asked yet
		await graph.updateState(
			{ threadId: "t", checkpointId: input.checkpointId },
			{ draft: "v2" },
			{ asNode: "write" },
		);
		expect((await graph.getState({ threadId: "t" })).interrupts).toEqual([]);
		const error = await graph
			.run(new Command({ resume: { action: "approve" } }), { threadId: "t" })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "NO_PENDING_INTERRUPT")).toBe(true);
		expect((error as Error).message).toContain(first.checkpointId!);
		expect((error as { hint: string }).hint).toContain(
			`checkpointId: "${first.checkpointId}"`,
		);
		// as the hint says
		const done = await graph.run(
			new Command({ resume: { action: "approve" } }),
			{ threadId: "t", checkpointId: first.checkpointId! },
		);
		expect(done.values.sent).toMatch(/^approve:/);
	});
});

describe("heads in getState", () => {
	it("lists every head, newest first", async () => {
		const { graph } = build();
		const first = await graph.run({ draft: "a" }, { threadId: "t" });
		const one = await graph.getState({ threadId: "t" });
		expect(one.heads).toEqual([first.checkpointId]);
		const replay = await graph.replay({
			threadId: "t",
			checkpointId: first.checkpointId!,
		});
		const two = await graph.getState({ threadId: "t" });
		expect(two.heads).toEqual([replay.checkpointId, first.checkpointId]);
		expect(two.checkpointId).toBe(replay.checkpointId);
	});
});
