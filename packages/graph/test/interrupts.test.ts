import {
	Command,
	human,
	isWeftError,
	MemoryCheckpointer,
	reducer,
	START,
	StateGraph,
	unknownInterruptIds,
	ValidationError,
} from "@weft/graph";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";

const S = z.object({
	answers: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

describe("interrupts", () => {
	it("pauses with every pending interrupt and resumes with a scalar", async () => {
		const graph = new StateGraph(S)
			.addNode("ask", async (_s, ctx) => ({
				answers: [await ctx.interrupt<string>({ q: "name?" })],
			}))
			.addEdge(START, "ask")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const paused = await graph.run({}, { threadId: "t" });
		expect(paused.status).toBe("interrupted");
		expect(paused.interrupts).toEqual([
			{ id: expect.any(String), node: "ask", value: { q: "name?" } },
		]);
		expect((await graph.getState({ threadId: "t" })).interrupts).toEqual(
			paused.interrupts,
		);
		const done = await graph.run(new Command({ resume: "Ann" }), {
			threadId: "t",
		});
		expect(done).toMatchObject({
			status: "done",
			values: { answers: ["Ann"] },
		});
	});

	it("matches several interrupts in one node by order, replaying earlier answers", async () => {
		let entries = 0;
		const graph = new StateGraph(S)
			.addNode("form", async (_s, ctx) => {
				entries++;
				const a = await ctx.interrupt<string>("first?");
				const b = await ctx.interrupt<string>("second?");
				return { answers: [a, b] };
			})
			.addEdge(START, "form")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const first = await graph.run({}, { threadId: "t" });
		expect(first.interrupts.map((i) => i.value)).toEqual(["first?"]);
		const second = await graph.run(new Command({ resume: "1" }), {
			threadId: "t",
		});
		expect(second.interrupts.map((i) => i.value)).toEqual(["second?"]);
		expect(second.interrupts[0]!.id).not.toBe(first.interrupts[0]!.id);
		const done = await graph.invoke(new Command({ resume: "2" }), {
			threadId: "t",
		});
		expect(done.answers).toEqual(["1", "2"]);
		expect(entries).toBe(3);
	});

	it("resumes parallel interrupts by id; a scalar for several is refused; a wrong id is refused", async () => {
		const graph = new StateGraph(S)
			.addNode("left", async (_s, ctx) => ({
				answers: [`L:${await ctx.interrupt<string>("left?")}`],
			}))
			.addNode("right", async (_s, ctx) => ({
				answers: [`R:${await ctx.interrupt<string>("right?")}`],
			}))
			.addEdge(START, "left")
			.addEdge(START, "right")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const paused = await graph.run({}, { threadId: "t" });
		expect(paused.interrupts.map((i) => i.node)).toEqual(["left", "right"]);
		const ambiguous = await graph
			.run(new Command({ resume: "x" }), { threadId: "t" })
			.catch((e: unknown) => e);
		expect(isWeftError(ambiguous, "AMBIGUOUS_RESUME")).toBe(true);
		const [left, right] = paused.interrupts;
		const wrong = await graph
			.run(new Command({ resume: { [left!.id]: "a", nope: "b" } }), {
				threadId: "t",
			})
			.catch((e: unknown) => e);
		expect(isWeftError(wrong, "UNKNOWN_INTERRUPT_ID")).toBe(true);
		expect((await graph.getState({ threadId: "t" })).interrupts).toHaveLength(
			2,
		);
		const half = await graph.run(new Command({ resume: { [left!.id]: "a" } }), {
			threadId: "t",
		});
		expect(half.interrupts.map((i) => i.id)).toEqual([right!.id]);
		const done = await graph.run(
			new Command({ resume: { [right!.id]: "b" } }),
			{ threadId: "t" },
		);
		expect(done.values.answers).toEqual(["L:a", "R:b"]);
	});

	it("refuses an answer by an id that is no longer pending, even with one interrupt pending", async () => {
		const graph = new StateGraph(S)
			.addNode("ask", async (_s, ctx) => {
				const send = await ctx.interrupt<unknown>("send?");
				const archive = await ctx.interrupt<unknown>("archive?");
				return { log: [JSON.stringify([send, archive])] };
			})
			.addEdge(START, "ask")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const first = await graph.run({}, { threadId: "t" });
		const q1 = first.interrupts[0]!.id;
		const second = await graph.run(new Command({ resume: { [q1]: "yes" } }), {
			threadId: "t",
		});
		const q2 = second.interrupts[0]!.id;
		// a second approver sends the same answer by the (now answered) id: not q2's answer
		const stale = await graph
			.run(new Command({ resume: { [q1]: "yes" } }), { threadId: "t" })
			.catch((e: unknown) => e);
		expect(isWeftError(stale, "UNKNOWN_INTERRUPT_ID")).toBe(true);
		expect((stale as Error).message).toContain(q1);
		expect((stale as { hint: string }).hint).toContain(q2);
		const state = await graph.getState({ threadId: "t" });
		expect(state.interrupts.map((i) => i.id)).toEqual([q2]);
		// an ordinary object is still the answer to the single pending interrupt
		const done = await graph.run(
			new Command({ resume: { action: "approve" } }),
			{ threadId: "t" },
		);
		expect(done.values.log).toEqual([
			JSON.stringify(["yes", { action: "approve" }]),
		]);
	});

	it("two interrupts asked before the first is awaited pause in turn, with no unhandled rejection", async () => {
		const unhandled: unknown[] = [];
		const onUnhandled = (reason: unknown) => unhandled.push(reason);
		process.on("unhandledRejection", onUnhandled);
		try {
			const graph = new StateGraph(S)
				.addNode("ask", async (_s, ctx) => {
					const first = ctx.interrupt<string>("first?");
					const second = ctx.interrupt<string>("second?");
					return { answers: [await first, await second] };
				})
				.addEdge(START, "ask")
				.compile({ checkpointer: new MemoryCheckpointer() });
			const paused = await graph.run({}, { threadId: "t" });
			expect(paused.interrupts.map((i) => i.value)).toEqual(["first?"]);
			const next = await graph.run(new Command({ resume: "1" }), {
				threadId: "t",
			});
			expect(next.interrupts.map((i) => i.value)).toEqual(["second?"]);
			const done = await graph.run(new Command({ resume: "2" }), {
				threadId: "t",
			});
			expect(done.values.answers).toEqual(["1", "2"]);
			await new Promise((r) => setTimeout(r, 10));
			expect(unhandled).toEqual([]);
		} finally {
			process.off("unhandledRejection", onUnhandled);
		}
	});

	it("an interrupt asked after the node returned is a typed error", async () => {
		let late: Promise<unknown> | undefined;
		const graph = new StateGraph(S)
			.addNode("ask", (_s, ctx) => {
				late = new Promise((resolve) =>
					setTimeout(() => resolve(ctx.interrupt("too late?")), 1),
				);
				return { log: ["returned"] };
			})
			.addEdge(START, "ask")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const done = await graph.run({}, { threadId: "t" });
		expect(done.status).toBe("done");
		const error = await late!.catch((e: unknown) => e);
		expect(isWeftError(error, "INVALID_GRAPH")).toBe(true);
		expect((error as Error).message).toContain('"ask"');
	});

	it("a ctx.once called after the node returned is a typed error that runs and records nothing", async () => {
		const checkpointer = new MemoryCheckpointer();
		const ran: string[] = [];
		let late: Promise<unknown> | undefined;
		let release: () => void = () => {};
		const returned = new Promise<void>((r) => {
			release = r;
		});
		const graph = new StateGraph(S)
			.addNode("mail", (_s, ctx) => {
				// a stray promise the node does not await: it asks for its effect once the node has returned
				late = returned.then(() =>
					ctx.once("send", () => {
						ran.push("send");
						return "sent";
					}),
				);
				return { log: ["returned"] };
			})
			.addEdge(START, "mail")
			.compile({ checkpointer });
		const done = await graph.run({}, { threadId: "t" });
		expect(done.status).toBe("done");
		const before = [];
		for await (const c of checkpointer.list({ threadId: "t" }))
			before.push(
				await checkpointer.getTuple({
					threadId: "t",
					checkpointId: c.checkpointId,
				}),
			);
		release();
		const error = await late!.catch((e: unknown) => e);
		expect(error).toMatchObject({
			code: "INVALID_GRAPH",
			message: expect.stringContaining('"mail"'),
			hint: expect.stringContaining("await"),
		});
		expect(ran).toEqual([]);
		// nothing recorded for the committed step
		const after = [];
		for await (const c of checkpointer.list({ threadId: "t" }))
			after.push(
				await checkpointer.getTuple({
					threadId: "t",
					checkpointId: c.checkpointId,
				}),
			);
		expect(after).toEqual(before);
	});

	it("says how to go on when the interrupt was answered by a run that did not finish", async () => {
		let release: (() => void) | undefined;
		const graph = new StateGraph(S)
			.addNode("review", async (_s, ctx) => {
				const answer = await ctx.interrupt<string>("ok?");
				if (answer === "approve")
					await new Promise<void>((r) => {
						release = r;
						ctx.signal.addEventListener("abort", () => r());
					});
				return { answers: [answer] };
			})
			.addEdge(START, "review")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const paused = await graph.run({}, { threadId: "t" });
		const stop = new AbortController();
		const approving = graph.run(new Command({ resume: "approve" }), {
			threadId: "t",
			signal: stop.signal,
		});
		while (release === undefined) await new Promise((r) => setTimeout(r, 1));
		stop.abort();
		expect((await approving).status).toBe("cancelled");
		// the answer is recorded at the paused checkpoint: a new answer is refused, saying what to do
		const error = await graph
			.run(new Command({ resume: "reject" }), { threadId: "t" })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "NO_PENDING_INTERRUPT")).toBe(true);
		expect((error as Error).message).toContain("already answered");
		expect((error as { hint?: string }).hint).toContain("replay");
		// replay runs the step again as a new branch, where it can be answered anew
		const again = await graph.replay({
			threadId: "t",
			checkpointId: paused.checkpointId!,
		});
		expect(again.interrupts).toHaveLength(1);
		const rejected = await graph.run(new Command({ resume: "reject" }), {
			threadId: "t",
		});
		expect(rejected.values.answers).toEqual(["reject"]);
	});

	it("goes on when the same answer is sent again after the run that recorded it stopped (0178)", async () => {
		let stall = true;
		let release: (() => void) | undefined;
		const graph = new StateGraph(S)
			.addNode("review", async (_s, ctx) => {
				const answer = await ctx.interrupt<{ ok: boolean; by: string }>("ok?");
				if (stall)
					await new Promise<void>((r) => {
						release = r;
						ctx.signal.addEventListener("abort", () => r());
					});
				return { answers: [`${answer.ok} by ${answer.by}`] };
			})
			.addEdge(START, "review")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const paused = await graph.run({}, { threadId: "t" });
		const id = paused.interrupts[0]!.id;
		const stop = new AbortController();
		const first = graph.run(new Command({ resume: { ok: true, by: "ann" } }), {
			threadId: "t",
			checkpointId: paused.checkpointId!,
			signal: stop.signal,
		});
		while (release === undefined) await new Promise((r) => setTimeout(r, 1));
		stop.abort();
		expect((await first).status).toBe("cancelled");
		stall = false;
		// another answer is still refused
		const other = await graph
			.run(new Command({ resume: { ok: false, by: "ann" } }), {
				threadId: "t",
				checkpointId: paused.checkpointId!,
			})
			.catch((e: unknown) => e);
		expect(isWeftError(other, "NO_PENDING_INTERRUPT")).toBe(true);
		expect((other as { hint?: string }).hint).toContain("same answer");
		// the same one, by value or by id, goes on with the recorded answer, once
		const again = await graph.run(
			new Command({ resume: { [id]: { ok: true, by: "ann" } } }),
			{ threadId: "t", checkpointId: paused.checkpointId! },
		);
		expect(again.status).toBe("done");
		expect(again.values.answers).toEqual(["true by ann"]);
		const more = await graph
			.run(new Command({ resume: { ok: true, by: "ann" } }), {
				threadId: "t",
			})
			.catch((e: unknown) => e);
		expect(isWeftError(more, "NO_PENDING_INTERRUPT")).toBe(true);
	});

	it("refuses to resume a thread without pending interrupts", async () => {
		const graph = new StateGraph(S)
			.addNode("a", () => {})
			.addEdge(START, "a")
			.compile({ checkpointer: new MemoryCheckpointer() });
		await graph.invoke({}, { threadId: "t" });
		const error = await graph
			.invoke(new Command({ resume: 1 }), { threadId: "t" })
			.catch((e: unknown) => e);
		expect(isWeftError(error, "NO_PENDING_INTERRUPT")).toBe(true);
		const fresh = await graph
			.invoke(new Command({ resume: 1 }), { threadId: "never-ran" })
			.catch((e: unknown) => e);
		expect(isWeftError(fresh, "NO_PENDING_INTERRUPT")).toBe(true);
	});

	it("validates human checkpoint answers; a bad one keeps the run paused with nothing lost", async () => {
		const review = human("review", {
			request: z.object({ draft: z.string() }),
			response: z.discriminatedUnion("action", [
				z.object({ action: z.literal("approve") }),
				z.object({ action: z.literal("edit"), draft: z.string() }),
			]),
		});
		const graph = new StateGraph(S)
			.addNode("review", async (_s, ctx) => {
				const answer = await review.ask(ctx, { draft: "v1" });
				return {
					answers: [answer.action === "edit" ? answer.draft : "approved"],
				};
			})
			.addEdge(START, "review")
			.compile({ checkpointer: new MemoryCheckpointer() });
		const paused = await graph.run({}, { threadId: "t" });
		expect(paused.interrupts[0]!.value).toEqual({
			human: "review",
			request: { draft: "v1" },
		});
		const before = await graph.getState({ threadId: "t" });
		const error = await graph
			.run(new Command({ resume: { action: "edit" } }), { threadId: "t" })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ValidationError);
		expect((error as ValidationError).issues[0]?.path).toEqual(["draft"]);
		const after = await graph.getState({ threadId: "t" });
		expect(after.checkpointId).toBe(before.checkpointId);
		expect(after.interrupts).toEqual(before.interrupts);
		const done = await graph.run(
			new Command({ resume: { action: "edit", draft: "v2" } }),
			{ threadId: "t" },
		);
		expect(done.values.answers).toEqual(["v2"]);
	});

	it("rejects a bad request before pausing", async () => {
		const review = human("review", {
			request: z.object({ draft: z.string() }),
			response: z.string(),
		});
		const graph = new StateGraph(S)
			.addNode("review", async (_s, ctx) => ({
				answers: [await review.ask(ctx, { draft: 1 } as never)],
			}))
			.addEdge(START, "review")
			.compile({ checkpointer: new MemoryCheckpointer() });
		// a typed ValidationError naming the node and the field, not the schema library's error (audit, 1 Dec)
		await expect(graph.run({}, { threadId: "t" })).rejects.toMatchObject({
			code: "VALIDATION_FAILED",
			node: "review",
			message: expect.stringContaining(
				'"review" in node "review" is invalid: draft',
			),
		});
	});

	it("runs ctx.once effects once across pause and resume", async () => {
		const sent: string[] = [];
		const graph = new StateGraph(S)
			.addNode("mail", async (_s, ctx) => {
				const receipt = await ctx.once("send", () => {
					sent.push("mail");
					return `receipt-${sent.length}`;
				});
				const ok = await ctx.interrupt<string>("confirm?");
				return { log: [receipt, ok] };
			})
			.addEdge(START, "mail")
			.compile({ checkpointer: new MemoryCheckpointer() });
		await graph.run({}, { threadId: "t" });
		const done = await graph.invoke(new Command({ resume: "yes" }), {
			threadId: "t",
		});
		expect(done.log).toEqual(["receipt-1", "yes"]);
		expect(sent).toEqual(["mail"]);
	});

	it("refuses a ctx.once key repeated within one run of the node, not across a resume", async () => {
		const sent: string[] = [];
		const graph = new StateGraph(S)
			.addNode("mail", async (_s, ctx) => {
				for (const to of ["ann", "bob"])
					await ctx.once("send", () => {
						sent.push(to);
						return to;
					});
				return {};
			})
			.addEdge(START, "mail")
			.compile({ checkpointer: new MemoryCheckpointer() });
		await expect(graph.invoke({}, { threadId: "t" })).rejects.toMatchObject({
			code: "INVALID_GRAPH",
			message: expect.stringContaining('"send"'),
			hint: expect.stringContaining("send:"),
		});
		expect(sent).toEqual(["ann"]);
		// one key per effect: each runs once, also when the node runs again after a resume
		const perMail = new StateGraph(S)
			.addNode("mail", async (_s, ctx) => {
				const done: string[] = [];
				for (const to of ["ann", "bob"])
					done.push(
						await ctx.once(`send:${to}`, () => {
							sent.push(to);
							return to;
						}),
					);
				const ok = await ctx.interrupt<string>("archive?");
				return { log: [...done, ok] };
			})
			.addEdge(START, "mail")
			.compile({ checkpointer: new MemoryCheckpointer() });
		sent.length = 0;
		await perMail.run({}, { threadId: "t" });
		const done = await perMail.run(new Command({ resume: "yes" }), {
			threadId: "t",
		});
		expect(done.values.log).toEqual(["ann", "bob", "yes"]);
		expect(sent).toEqual(["ann", "bob"]);
	});

	it("tells a ctx.once effect that an earlier attempt started but did not finish", async () => {
		const seen: Array<{ idempotencyKey: string; retrying: boolean }> = [];
		let fail = true;
		const graph = new StateGraph(S)
			.addNode("charge", async (_s, ctx) => {
				const receipt = await ctx.once("charge", (info) => {
					seen.push(info);
					if (fail) throw new Error("network dropped after the charge");
					return "charged";
				});
				return { log: [receipt] };
			})
			.addEdge(START, "charge")
			.compile({ checkpointer: new MemoryCheckpointer() });
		await expect(graph.invoke({}, { threadId: "t" })).rejects.toMatchObject({
			code: "NODE_FAILED",
		});
		fail = false;
		expect((await graph.invoke(null, { threadId: "t" })).log).toEqual([
			"charged",
		]);
		expect(seen.map((s) => s.retrying)).toEqual([false, true]);
		expect(seen[1]!.idempotencyKey).toBe(seen[0]!.idempotencyKey);
	});

	it("keeps a sibling's writes when a parallel branch pauses, and does not run it again", async () => {
		const runs: string[] = [];
		const graph = new StateGraph(S)
			.addNode("sibling", () => {
				runs.push("sibling");
				return { log: ["sibling"] };
			})
			.addNode("asker", async (_s, ctx) => {
				runs.push("asker");
				return { answers: [await ctx.interrupt<string>("?")] };
			})
			.addEdge(START, "sibling")
			.addEdge(START, "asker")
			.compile({ checkpointer: new MemoryCheckpointer() });
		await graph.run({}, { threadId: "t" });
		const done = await graph.invoke(new Command({ resume: "!" }), {
			threadId: "t",
		});
		expect(done).toEqual({ answers: ["!"], log: ["sibling"] });
		expect(runs).toEqual(["asker", "sibling", "asker"]);
	});

	it("pauses before and after named nodes (compile or run option) and continues with null", async () => {
		const S2 = z.object({
			log: reducer(
				z.array(z.string()),
				(a, b) => [...a, ...b],
				() => [],
			),
		});
		const build = (opts: {
			interruptBefore?: ("b" | "a" | "c")[];
			interruptAfter?: ("b" | "a" | "c")[];
		}) =>
			new StateGraph(S2)
				.addNode("a", () => ({ log: ["a"] }))
				.addNode("b", () => ({ log: ["b"] }))
				.addNode("c", () => ({ log: ["c"] }))
				.addEdge(START, "a")
				.addEdge("a", "b")
				.addEdge("b", "c")
				.compile({ checkpointer: new MemoryCheckpointer(), ...opts });
		const before = build({ interruptBefore: ["b"] });
		const p1 = await before.run({}, { threadId: "t" });
		expect(p1).toMatchObject({ status: "interrupted", values: { log: ["a"] } });
		expect(p1.interrupts).toEqual([
			{ id: expect.any(String), node: "b", value: null, when: "before" },
		]);
		expect((await before.getState({ threadId: "t" })).next).toEqual(["b"]);
		expect(await before.invoke(null, { threadId: "t" })).toEqual({
			log: ["a", "b", "c"],
		});

		const after = build({ interruptAfter: ["b"] });
		const p2 = await after.run({}, { threadId: "t" });
		expect(p2).toMatchObject({
			status: "interrupted",
			values: { log: ["a", "b"] },
		});
		expect(p2.interrupts[0]).toMatchObject({ node: "b", when: "after" });
		expect(
			(await after.run(new Command({ resume: "go" }), { threadId: "t" }))
				.values,
		).toEqual({ log: ["a", "b", "c"] });

		const runOption = build({});
		const p3 = await runOption.run(
			{},
			{ threadId: "t", interruptBefore: ["c"] },
		);
		expect(p3.values.log).toEqual(["a", "b"]);
	});

	it("needs a checkpointer to resume", async () => {
		const graph = new StateGraph(S)
			.addNode("ask", async (_s, ctx) => ({
				answers: [await ctx.interrupt<string>("?")],
			}))
			.addEdge(START, "ask")
			.compile();
		const paused = await graph.run({});
		expect(paused.status).toBe("interrupted");
		// the result lists what it waits for, though nothing can answer it (audit, 1 Dec: it was [])
		expect(paused.interrupts).toEqual([
			{ id: expect.any(String), node: "ask", value: "?" },
		]);
		await expect(
			graph.invoke(new Command({ resume: "x" })),
		).rejects.toMatchObject({ code: "CONFIG_INVALID" });
	});
});

describe("an answer the store cannot keep", () => {
	it("is refused like an invalid one: the thread stays interrupted with its interrupt pending", async () => {
		const { SqliteCheckpointer } = await import("@weft/checkpoint-sqlite");
		const { mkdtempSync, rmSync } = await import("node:fs");
		const { tmpdir } = await import("node:os");
		const { join } = await import("node:path");
		const dir = mkdtempSync(join(tmpdir(), "weft-answer-"));
		const checkpointer = new SqliteCheckpointer({ path: join(dir, "a.db") });
		try {
			const graph = new StateGraph(S)
				.addNode("ask", async (_s, ctx) => ({
					answers: [String(await ctx.interrupt("approve?"))],
				}))
				.addEdge(START, "ask")
				.compile({ checkpointer });
			const threadId = "unstorable";
			await graph.run({}, { threadId });
			const error = await graph
				.invoke(new Command({ resume: { when: () => 1 } }), { threadId })
				.catch((e: unknown) => e);
			expect(isWeftError(error, "SERIALIZATION_FAILED")).toBe(true);
			expect((error as Error).message).toContain('node "ask"');
			expect((error as { hint?: string }).hint).toMatch(/still paused/);
			expect((await graph.getThread({ threadId }))?.status).toBe("interrupted");
			expect((await graph.getState({ threadId })).interrupts).toHaveLength(1);
			// a storable answer then goes on
			const done = await graph.run(new Command({ resume: "yes" }), {
				threadId,
			});
			expect(done.status).toBe("done");
			expect(done.values.answers).toEqual(["yes"]);
		} finally {
			await checkpointer.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe("unknownInterruptIds (what a resume refuses as UNKNOWN_INTERRUPT_ID)", () => {
	const pending = new Set(["0123456789abcdef", "fedcba9876543210"]);
	it("names the keys of a map by id that are not pending, and nothing for an answer", () => {
		expectTypeOf(unknownInterruptIds).returns.toEqualTypeOf<string[]>();
		// some keys pending: a map by id with a wrong one
		expect(
			unknownInterruptIds({ "0123456789abcdef": "yes", nope: 1 }, pending),
		).toEqual(["nope"]);
		// every key shaped as an id, none pending: a map by id (an id already answered, say)
		expect(unknownInterruptIds({ aaaaaaaaaaaaaaaa: "yes" }, pending)).toEqual([
			"aaaaaaaaaaaaaaaa",
		]);
		// answers, not maps by id
		expect(unknownInterruptIds({ action: "approve" }, pending)).toEqual([]);
		expect(unknownInterruptIds("yes", pending)).toEqual([]);
		expect(unknownInterruptIds(["0123456789abcdef"], pending)).toEqual([]);
		expect(unknownInterruptIds({ "0123456789abcdef": 1 }, pending)).toEqual([]);
	});
});
