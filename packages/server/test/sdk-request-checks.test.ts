import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { END, human, START, StateGraph } from "@weft/graph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { serve } from "../src/index.ts";
import { abc } from "./fixtures/audit-graphs.ts";
import { review, slow } from "./fixtures/graphs.ts";

/** Two nodes that ask at once: two pending interrupts. */
const two = new StateGraph(
	z.object({ a: z.string().default(""), b: z.string().default("") }),
)
	.addNode("askA", async (_s, ctx) => ({
		a: await ctx.interrupt<string>("a?"),
	}))
	.addNode("askB", async (_s, ctx) => ({
		b: await ctx.interrupt<string>("b?"),
	}))
	.addEdge(START, "askA")
	.addEdge(START, "askB")
	.addEdge("askA", END)
	.addEdge("askB", END)
	.compile({ name: "two" });

/** A human checkpoint with an answer schema, and what runs after it (decision 0172). */
const approve = human("sdk-approve", {
	request: z.object({ topic: z.string() }),
	response: z.object({ action: z.enum(["approve", "reject"]) }),
});
const sent: string[] = [];
const approvals = new StateGraph(
	z.object({
		topic: z.string().default(""),
		verdict: z.string().default(""),
	}),
)
	.addNode("write", (s) => ({ topic: s.topic }))
	.addNode("ask", async (s, ctx) => ({
		verdict: (await approve.ask(ctx, { topic: s.topic })).action,
	}))
	.addNode("send", (s, ctx) => {
		sent.push(`${ctx.threadId}:${s.topic}:${s.verdict}`);
		return {};
	})
	.addEdge(START, "write")
	.addEdge("write", "ask")
	.addEdge("ask", "send")
	.addEdge("send", END)
	.compile({ name: "approvals" });

/** The SDK's error for a refused request: its HTTP status and Weft's error code. */
async function refused(
	request: Promise<unknown>,
	status: number,
	code: string,
): Promise<void> {
	const error = await request.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toMatchObject({ status });
	expect(String((error as Error).message)).toContain(code);
}

let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
beforeAll(async () => {
	server = await serve({
		graphs: { abc, review, slow, two, approvals },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
	});
	client = new Client({ apiUrl: `http://127.0.0.1:${server.port}` });
});
afterAll(() => server.close());

describe("the SDK's requests answered as LangGraph's server does (audit of 1 Dec)", () => {
	it("threads.getHistory from a checkpoint lists it and its ancestors, not newer ones", async () => {
		const { thread_id: T } = await client.threads.create();
		await client.runs.wait(T, "abc", { input: { n: 1 } });
		const all = await client.threads.getHistory(T, { limit: 50 });
		const at = all.find((s) => s.metadata?.step === 1)!;
		const from = await client.threads.getHistory(T, {
			checkpoint: { checkpoint_id: at.checkpoint.checkpoint_id! },
			limit: 50,
		});
		expect(all.map((s) => s.metadata?.step)).toEqual([3, 2, 1, 0]);
		expect(from.map((s) => s.metadata?.step)).toEqual([1, 0]);
		expect(from[0]!.checkpoint.checkpoint_id).toBe(at.checkpoint.checkpoint_id);
		await expect(
			client.threads.getHistory(T, {
				checkpoint: { checkpoint_id: "1f0a0000-0000-6000-8000-000000000000" },
			}),
		).rejects.toMatchObject({ status: 404 });
	});

	// Outside check (7 Dec): `before` given a state's `checkpoint` (what history answers) was 422 "before:
	// Invalid input"; it is read as the checkpoint it names, and any other shape is told what to pass
	it("threads.getHistory before a checkpoint: its id, a config, or a state's checkpoint; another shape is a clear 422", async () => {
		const { thread_id: T } = await client.threads.create();
		await client.runs.wait(T, "abc", { input: { n: 1 } });
		const all = await client.threads.getHistory(T, { limit: 50 });
		const at = all[1]!.checkpoint;
		const older = all.slice(2).map((s) => s.checkpoint.checkpoint_id);
		const listedBefore = async (value: unknown) =>
			(
				await client.threads.getHistory(T, {
					before: value as never,
					limit: 50,
				})
			).map((s) => s.checkpoint.checkpoint_id);
		expect(await listedBefore(at.checkpoint_id)).toEqual(older);
		expect(
			await listedBefore({ configurable: { checkpoint_id: at.checkpoint_id } }),
		).toEqual(older);
		expect(await listedBefore(at)).toEqual(older);
		for (const bad of [5, { checkpoint: 1 }, { configurable: {} }]) {
			const error = (await listedBefore(bad).catch(
				(e: unknown) => e,
			)) as Error & {
				status?: number;
			};
			expect(error.status).toBe(422);
			expect(error.message).toContain("checkpoint_id");
		}
	});

	// Outside check (6 Dec): an id with a character above U+00FF made the Content-Location header throw
	// after the run had started: 500, and the SDK, retrying, started the run five times
	it("runs a thread whose id is not Latin-1, once, and names it in Content-Location as the SDK reads it", async () => {
		const T = "thé-🙂-雪";
		await client.threads.create({ threadId: T });
		let created: { run_id: string; thread_id?: string } | undefined;
		const out = (await client.runs.wait(T, "abc", {
			input: { n: 1 },
			onRunCreated: (meta) => {
				created = meta;
			},
		})) as { n: number };
		expect(out.n).toBeGreaterThan(1);
		expect(await client.runs.list(T)).toHaveLength(1);
		// the SDK takes the ids from the header as they are and puts them in the next path: that works
		expect(created?.thread_id).toBeDefined();
		const run = await client.runs.get(created!.thread_id!, created!.run_id);
		expect(run).toMatchObject({ thread_id: T, status: "success" });
		const res = await fetch(
			`http://127.0.0.1:${server.port}/threads/${encodeURIComponent(T)}/runs`,
			{
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ assistant_id: "abc", input: { n: 1 } }),
			},
		);
		expect(res.status).toBe(200);
		expect(decodeURIComponent(res.headers.get("content-location")!)).toMatch(
			new RegExp(`^/threads/${T}/runs/`),
		);
		await client.runs.join(
			T,
			((await res.json()) as { run_id: string }).run_id,
		);
	});

	// Outside check (7 Dec): a run given the checkpoint in its config (LangGraph's `config.configurable`,
	// which its server runs from) ran from the thread's newest checkpoint instead, saying nothing
	it("runs from config.configurable.checkpoint_id as from checkpoint_id; a non-string one is 422", async () => {
		const { thread_id: T } = await client.threads.create();
		await client.runs.wait(T, "abc", { input: { n: 1 } });
		const afterA = (await client.threads.getHistory(T, { limit: 50 })).find(
			(s) => s.next.includes("b"),
		)!;
		const id = afterA.checkpoint.checkpoint_id!;
		const oldHead = (await client.threads.getState(T)).checkpoint.checkpoint_id;
		const viaConfig = (await client.runs.wait(T, "abc", {
			input: null,
			config: { configurable: { checkpoint_id: id } },
		})) as { n: number; log: string[] };
		expect(viaConfig).toMatchObject({ n: 112, log: ["a", "b", "c"] });
		// b and c ran again on a branch forked from after a (a copy of it), not on from the old head
		const newHead = (await client.threads.getState(T)).checkpoint
			.checkpoint_id!;
		expect(newHead).not.toBe(oldHead);
		const branch = await client.threads.getHistory(T, {
			checkpoint: { checkpoint_id: newHead },
			limit: 50,
		});
		expect(branch.map((s) => s.checkpoint.checkpoint_id)).not.toContain(
			oldHead,
		);
		expect(branch.map((s) => [s.metadata?.source, s.next])).toEqual([
			["loop", []],
			["loop", ["c"]],
			["fork", ["b"]],
			["input", ["a"]],
		]);
		await refused(
			client.runs.wait(T, "abc", {
				input: null,
				config: { configurable: { checkpoint_id: 5 } } as never,
			}),
			422,
			"VALIDATION_FAILED",
		);
	});

	// Outside check (7 Dec): `durability` and `checkpoint_during` were dropped unread, so a misspelt mode
	// ran as if it were valid; Weft commits every step whichever mode is asked (each is at most that durable)
	it("takes the SDK's durability modes and checkpointDuring, and refuses another value with 422", async () => {
		for (const durability of ["sync", "async", "exit"] as const) {
			const T = (await client.threads.create()).thread_id;
			const out = (await client.runs.wait(T, "abc", {
				input: { n: 1 },
				durability,
				checkpointDuring: false,
			})) as { log: string[] };
			expect(out.log).toEqual(["a", "b", "c"]);
			// every step was committed all the same
			expect((await client.threads.getHistory(T)).length).toBe(4);
		}
		const T = (await client.threads.create()).thread_id;
		await refused(
			client.runs.wait(T, "abc", {
				input: { n: 1 },
				durability: "always" as never,
			}),
			422,
			"VALIDATION_FAILED",
		);
		await refused(
			client.runs.wait(T, "abc", {
				input: { n: 1 },
				checkpointDuring: "yes" as never,
			}),
			422,
			"VALIDATION_FAILED",
		);
		expect(await client.runs.list(T)).toEqual([]);
	});

	// review (6 Dec): a thread created with such metadata admitted runs (200) that then failed CONFIG_INVALID
	it("refuses thread and run metadata no store keeps (a lone surrogate, a NUL) when it is sent, 422", async () => {
		for (const metadata of [{ who: "a\ud800" }, { list: ["ok", "a\u0000b"] }]) {
			await refused(
				client.threads.create({ metadata }),
				422,
				"VALIDATION_FAILED",
			);
			const { thread_id: T } = await client.threads.create();
			await refused(
				client.runs.create(T, "abc", { input: { n: 1 }, metadata }),
				422,
				"VALIDATION_FAILED",
			);
			expect(await client.runs.list(T)).toEqual([]);
		}
	});

	it("takes threads.updateState as __start__: a new input from a past checkpoint, run on from there", async () => {
		const { thread_id: T } = await client.threads.create();
		await client.runs.wait(T, "abc", { input: { n: 1 } });
		const history = await client.threads.getHistory(T, { limit: 50 });
		const first = history.at(-1)!;
		const fork = await client.threads.updateState(T, {
			values: { n: 5 },
			checkpointId: first.checkpoint.checkpoint_id!,
			asNode: "__start__",
		});
		const state = await client.threads.getState(T);
		expect(state.next).toEqual(["a"]);
		expect(state.checkpoint.checkpoint_id).toBe(
			fork.configurable?.checkpoint_id,
		);
		const out = (await client.runs.wait(T, "abc", { input: null })) as {
			n: number;
		};
		expect(out.n).toBe(116);
	});

	it("refuses command.goto at request time (422 CONFIG_INVALID, decision 0050), creating no run", async () => {
		const { thread_id: T } = await client.threads.create();
		await refused(
			client.runs.create(T, "review", { command: { goto: "review" } }),
			422,
			"CONFIG_INVALID",
		);
		await refused(
			client.runs.create(T, "review", { command: {} }),
			422,
			"CONFIG_INVALID",
		);
		expect(await client.runs.list(T)).toEqual([]);
	});

	it("accepts command.update as [key, value] pairs, as the SDK's Command types it", async () => {
		const { thread_id: T } = await client.threads.create();
		await client.runs.wait(T, "review", { input: { topic: "tea" } });
		const out = (await client.runs.wait(T, "review", {
			command: { resume: "yes", update: [["topic", "coffee"]] },
		})) as { topic: string; approved: boolean };
		expect(out).toMatchObject({ topic: "coffee", approved: true });
	});

	it("refuses a single resume value for two pending interrupts (422 AMBIGUOUS_RESUME), creating no run", async () => {
		const { thread_id: T } = await client.threads.create();
		const paused = (await client.runs.wait(T, "two", { input: {} })) as {
			__interrupt__: { id: string; value: string }[];
		};
		expect(paused.__interrupt__).toHaveLength(2);
		await refused(
			client.runs.create(T, "two", { command: { resume: "x" } }),
			422,
			"AMBIGUOUS_RESUME",
		);
		expect(await client.runs.list(T)).toHaveLength(1);
		const answers = Object.fromEntries(
			paused.__interrupt__.map((i) => [i.id, `to ${i.value}`]),
		);
		const out = await client.runs.wait(T, "two", {
			command: { resume: answers },
		});
		expect(out).toMatchObject({ a: "to a?", b: "to b?" });
	});

	it("refuses an unknown interrupt node, a missing checkpoint and a thread of another graph before any run", async () => {
		const { thread_id: T } = await client.threads.create();
		await refused(
			client.runs.create(T, "abc", { input: {}, interruptBefore: ["zzz"] }),
			422,
			"CONFIG_INVALID",
		);
		await refused(
			client.runs.create(T, "abc", { input: {}, interruptAfter: ["a", "q"] }),
			422,
			"CONFIG_INVALID",
		);
		await refused(
			client.runs.create(T, "abc", {
				input: {},
				checkpointId: "1f0a0000-0000-6000-8000-000000000000",
			}),
			404,
			"CHECKPOINT_NOT_FOUND",
		);
		expect(await client.runs.list(T)).toEqual([]);
		await client.runs.wait(T, "abc", { input: { n: 1 } });
		await refused(
			client.runs.create(T, "review", { command: { resume: "yes" } }),
			409,
			"GRAPH_CHANGED",
		);
		expect(await client.runs.list(T)).toHaveLength(1);
		// the thread's own graph still runs it, from a checkpoint it has
		const [, older] = await client.threads.getHistory(T, { limit: 2 });
		const again = await client.runs.wait(T, "abc", {
			input: null,
			checkpointId: older!.checkpoint.checkpoint_id!,
		});
		expect(again).toMatchObject({ n: 112, log: ["a", "b", "c"] });
	});
});

describe("requests found wrong from outside (probe of 6 Dec)", () => {
	it("refuses a run without input on a thread with nothing to go on from (422), creating no run, the thread left idle", async () => {
		const { thread_id: T } = await client.threads.create();
		// found by a helper (7 Dec): a command with only an update (no resume) went on to run, failed with a
		// message about a runner that had stopped, and left the thread `error`
		for (const payload of [
			{},
			{ input: null },
			{ command: { update: { n: 5 } } },
			{ input: { n: 1 }, command: { update: { n: 5 } } },
		])
			await refused(client.runs.wait(T, "abc", payload), 422, "CONFIG_INVALID");
		expect(await client.runs.list(T)).toEqual([]);
		expect((await client.threads.get(T)).status).toBe("idle");
		// input starts it; then input null goes on
		await client.runs.wait(T, "abc", { input: { n: 1 } });
		await client.runs.wait(T, "abc", { input: null });
		expect(await client.runs.list(T)).toHaveLength(2);
	});
});

describe("requests found wrong from outside (probe of 3 Dec)", () => {
	it("refuses runs.cancel with an action other than interrupt or rollback (422 VALIDATION_FAILED), leaving the run running", async () => {
		const { thread_id: T } = await client.threads.create();
		const run = await client.runs.create(T, "slow", { input: { ms: 20_000 } });
		await refused(
			client.runs.cancel(T, run.run_id, false, "stop" as never),
			422,
			"VALIDATION_FAILED",
		);
		expect((await client.runs.get(T, run.run_id)).status).toBe("running");
		await client.runs.cancel(T, run.run_id, true);
		expect((await client.runs.get(T, run.run_id)).status).toBe("cancelled");
	});

	it("runs.list keeps the selected fields (select), as threads.search does", async () => {
		const { thread_id: T } = await client.threads.create();
		await client.runs.wait(T, "abc", { input: { n: 1 } });
		expect(await client.runs.list(T, { select: ["run_id", "status"] })).toEqual(
			[{ run_id: expect.any(String), status: "success" }],
		);
		expect(Object.keys((await client.runs.list(T))[0]!)).toContain("kwargs");
		await refused(
			client.runs.list(T, { select: ["bogus" as never] }),
			422,
			"VALIDATION_FAILED",
		);
	});

	it("refuses a resume map naming an interrupt id that is not pending (422 UNKNOWN_INTERRUPT_ID) before any run, the thread still waiting", async () => {
		const { thread_id: T } = await client.threads.create();
		await client.runs.wait(T, "review", { input: { topic: "tea" } });
		await refused(
			client.runs.wait(T, "review", {
				command: { resume: { deadbeefdeadbeef: "yes" } },
			}),
			422,
			"UNKNOWN_INTERRUPT_ID",
		);
		expect(await client.runs.list(T)).toHaveLength(1);
		const thread = await client.threads.get(T);
		expect(thread.status).toBe("interrupted");
		const [pending] = Object.values(thread.interrupts).flat();
		// of two pending, a map with one of them and an unknown id is refused alike
		const { thread_id: U } = await client.threads.create();
		const paused = (await client.runs.wait(U, "two", { input: {} })) as {
			__interrupt__: { id: string }[];
		};
		await refused(
			client.runs.create(U, "two", {
				command: {
					resume: {
						[paused.__interrupt__[0]!.id]: "x",
						"0000000000000000": "y",
					},
				},
			}),
			422,
			"UNKNOWN_INTERRUPT_ID",
		);
		expect(await client.runs.list(U)).toHaveLength(1);
		// the pending id still answers it
		expect(
			await client.runs.wait(T, "review", {
				command: { resume: { [pending!.id as string]: "yes" } },
			}),
		).toMatchObject({ approved: true });
	});

	it("refuses a thread id the SDK cannot send in a URL path (/, \\, ?, #, %, controls, . and ..) with 422 INVALID_ID, making no thread (decision 0152)", async () => {
		const before = await client.threads.count();
		for (const id of [
			"user/42",
			"a\\b",
			"a?b",
			"a#b",
			"%41",
			"a\tb",
			"a\nb",
			".",
			"..",
			"trail ",
		]) {
			await refused(client.threads.create({ threadId: id }), 422, "INVALID_ID");
		}
		expect(await client.threads.count()).toBe(before);
		// what a path carries as sent stays accepted, and every route reaches it
		for (const id of ["ticket-42", "a.b", "a:b@c", "a b", "ünï"]) {
			await client.threads.create({ threadId: id });
			expect((await client.threads.get(id)).thread_id).toBe(id);
			await client.runs.wait(id, "abc", { input: { n: 1 } });
			expect((await client.threads.getState(id)).values).toMatchObject({
				n: 112,
			});
		}
	});
});

describe("answers found wrong from outside (audit of 4 Dec)", () => {
	it("a refused answer leaves the thread interrupted, listed as waiting", async () => {
		const { thread_id: T } = await client.threads.create();
		await client.runs.wait(T, "approvals", { input: { topic: "tea" } });
		const refusal = await client.runs
			.wait(T, "approvals", { command: { resume: { action: "maybe" } } })
			.then(
				(out) => (out as { __error__?: { error: string } }).__error__?.error,
				(e: unknown) => String((e as Error).message),
			);
		expect(refusal).toContain("VALIDATION_FAILED");
		expect((await client.threads.get(T)).status).toBe("interrupted");
		const waiting = await client.threads.search({
			status: "interrupted",
			limit: 1000,
		});
		expect(waiting.map((t) => t.thread_id)).toContain(T);
		// the question is still there to answer
		const done = (await client.runs.wait(T, "approvals", {
			command: { resume: { action: "approve" } },
		})) as { verdict: string };
		expect(done.verdict).toBe("approve");
		expect((await client.threads.get(T)).status).toBe("idle");
	});

	it("answers a question at a checkpoint that is no head once: a second answer there is 409 NO_PENDING_INTERRUPT", async () => {
		const { thread_id: T } = await client.threads.create();
		await client.runs.wait(T, "approvals", { input: { topic: "tea" } });
		const at = (await client.threads.getState(T)).checkpoint.checkpoint_id!;
		// a newer branch from the paused checkpoint
		await client.threads.updateState(T, {
			values: { topic: "coffee" },
			asNode: "write",
			checkpointId: at,
		});
		const first = (await client.runs.wait(T, "approvals", {
			command: { resume: { action: "approve" } },
			checkpointId: at,
		})) as { verdict: string };
		expect(first.verdict).toBe("approve");
		await refused(
			client.runs.wait(T, "approvals", {
				command: { resume: { action: "reject" } },
				checkpointId: at,
			}),
			409,
			"NO_PENDING_INTERRUPT",
		);
		expect(sent.filter((s) => s.startsWith(`${T}:`))).toEqual([
			`${T}:tea:approve`,
		]);
	});

	it("a resume without a checkpoint names the branch where a question waits when the newest head has none", async () => {
		const { thread_id: T } = await client.threads.create();
		await client.runs.wait(T, "approvals", { input: { topic: "tea" } });
		const history = await client.threads.getHistory(T, { limit: 10 });
		const first = history.at(-1)!.checkpoint.checkpoint_id!;
		const waiting = history[0]!.checkpoint.checkpoint_id!;
		// a fork of the first step: the newest head, with nothing asked yet
		await client.threads.updateState(T, {
			values: { topic: "coffee" },
			checkpointId: first,
		});
		const error = await client.runs
			.wait(T, "approvals", { command: { resume: { action: "approve" } } })
			.then(
				() => undefined,
				(e: unknown) => e as Error & { status: number },
			);
		expect(error?.status).toBe(409);
		expect(error?.message).toContain("an interrupt waits on branch 2");
		expect(error?.message).toContain(waiting);
		expect(sent.filter((s) => s.startsWith(`${T}:`))).toEqual([]);
	});

	it("refuses input the state schema refuses (422 VALIDATION_FAILED) before any run, the thread as it was", async () => {
		const { thread_id: T } = await client.threads.create();
		for (const input of [{ topic: 5 }, { topc: "tea" }])
			await refused(
				client.runs.wait(T, "approvals", { input }),
				422,
				"VALIDATION_FAILED",
			);
		expect(await client.runs.list(T)).toEqual([]);
		expect((await client.threads.get(T)).status).toBe("idle");
		await client.runs.wait(T, "approvals", { input: { topic: "tea" } });
		expect((await client.threads.get(T)).status).toBe("interrupted");
	});
});
