import { Client } from "@langchain/langgraph-sdk";
import { CheckpointError, MemoryCheckpointer } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";
import { bearerTokens, createApp, serve } from "../src/index.ts";
import { review, slow } from "./fixtures/graphs.ts";

const client = (url: string, token?: string) =>
	new Client({
		apiUrl: url,
		defaultHeaders:
			token === undefined ? {} : { Authorization: `Bearer ${token}` },
		callerOptions: { maxRetries: 0 },
	});

async function withServer(
	options: Partial<Parameters<typeof serve>[0]>,
	body: (url: string) => Promise<void>,
): Promise<void> {
	const server = await serve({
		graphs: { review, slow },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
		...options,
	});
	try {
		await body(`http://127.0.0.1:${server.port}`);
	} finally {
		await server.close();
	}
}

/** A store whose next checkpoint read fails as an outage does, once, when armed. */
class FlakyReads extends MemoryCheckpointer {
	failNextRead = false;
	#fail(): void {
		if (!this.failNextRead) return;
		this.failNextRead = false;
		throw new CheckpointError("STORE_UNAVAILABLE", "the store is away (test)");
	}
	override async getTuple(...args: Parameters<MemoryCheckpointer["getTuple"]>) {
		this.#fail();
		return super.getTuple(...args);
	}
	override async getChain(...args: Parameters<MemoryCheckpointer["getChain"]>) {
		this.#fail();
		return super.getChain(...args);
	}
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
	for (let i = 0; i < 400; i++) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, 25));
	}
	throw new Error("condition not reached");
}

describe("answering a human checkpoint can need a scope", () => {
	it("a caller without answerScope gets 403 FORBIDDEN; one with it answers", async () => {
		await withServer(
			{
				authenticate: bearerTokens([
					"ada:tok-a:approver+reader",
					"bob:tok-b:reader",
				]),
				answerScope: { review: "approver" },
			},
			async (url) => {
				// one thread owner holding two tokens: the scope decides, not the ownership
				const bob = client(url, "tok-b");
				const thread = await bob.threads.create();
				const paused = (await bob.runs.wait(thread.thread_id, "review", {
					input: { topic: "tea" },
				})) as { __interrupt__?: unknown[] };
				expect(paused.__interrupt__).toHaveLength(1);
				await expect(
					bob.runs.wait(thread.thread_id, "review", {
						command: { resume: "yes" },
					}),
				).rejects.toMatchObject({ status: 403 });
				const raw = await fetch(`${url}/threads/${thread.thread_id}/runs`, {
					method: "POST",
					headers: {
						Authorization: "Bearer tok-b",
						"Content-Type": "application/json",
					},
					body: JSON.stringify({
						assistant_id: "review",
						command: { resume: "yes" },
					}),
				});
				expect(raw.status).toBe(403);
				expect(await raw.json()).toMatchObject({ code: "FORBIDDEN" });
				// writing past the checkpoint (update state as the node) is answering it too
				await expect(
					bob.threads.updateState(thread.thread_id, {
						values: { approved: true },
						asNode: "review",
					}),
				).rejects.toMatchObject({ status: 403 });
				// so is an update or new input on the waiting thread (they would go on without the answer)
				for (const body of [
					{ command: { update: { approved: true } } },
					{ input: { approved: true } },
				])
					await expect(
						bob.runs.wait(thread.thread_id, "review", body as never),
					).rejects.toMatchObject({ status: 403 });
				// other graphs need no scope; the thread still waits
				expect((await bob.threads.get(thread.thread_id)).status).toBe(
					"interrupted",
				);
				const other = await bob.threads.create();
				await bob.runs.wait(other.thread_id, "slow", { input: { ms: 1 } });

				const ada = client(url, "tok-a");
				const adas = await ada.threads.create();
				await ada.runs.wait(adas.thread_id, "review", {
					input: { topic: "x" },
				});
				const done = (await ada.runs.wait(adas.thread_id, "review", {
					command: { resume: "yes" },
				})) as { approved: boolean };
				expect(done.approved).toBe(true);
			},
		);
	});

	it("bare tokens are distinct owners, however alike (audit, 1 Dec: the first four characters were the owner)", async () => {
		await withServer(
			{ authenticate: bearerTokens(["abcd1111", "abcd2222"]) },
			async (url) => {
				const one = client(url, "abcd1111");
				const two = client(url, "abcd2222");
				const mine = await one.threads.create();
				await expect(two.threads.get(mine.thread_id)).rejects.toMatchObject({
					status: 404,
				});
				expect((await two.threads.search()).length).toBe(0);
			},
		);
	});

	// Outside check (7 Dec): a read of the thread's state that failed let the update through unchecked
	// (fail-open): a caller without the scope answered the checkpoint when the store failed for that read
	// alone. Now the read's error is the request's answer, and nothing is written.
	it("a state read that fails refuses the update (503), never lets it past the scope check", async () => {
		const store = new FlakyReads();
		await withServer(
			{
				checkpointer: store,
				authenticate: bearerTokens(["bob:tok-b:reader"]),
				answerScope: { review: "approver" },
			},
			async (url) => {
				const bob = client(url, "tok-b");
				const thread = await bob.threads.create();
				await bob.runs.wait(thread.thread_id, "review", {
					input: { topic: "tea" },
				});
				const before = (await bob.threads.getHistory(thread.thread_id)).length;
				store.failNextRead = true;
				await expect(
					bob.threads.updateState(thread.thread_id, {
						values: { approved: true },
						asNode: "review",
					}),
				).rejects.toMatchObject({ status: 503 });
				expect(store.failNextRead).toBe(false);
				expect((await bob.threads.getHistory(thread.thread_id)).length).toBe(
					before,
				);
				expect((await bob.threads.get(thread.thread_id)).status).toBe(
					"interrupted",
				);
			},
		);
	});

	it("answerScope without authenticate is refused at start", () => {
		expect(() =>
			createApp({
				graphs: { review },
				checkpointer: new MemoryCheckpointer(),
				answerScope: "approver",
			}),
		).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
	});
});

describe("limits", () => {
	it("a run longer than runTimeoutMs ends with status timeout (ctx.signal aborted)", async () => {
		await withServer({ runTimeoutMs: 200 }, async (url) => {
			const c = client(url);
			const thread = await c.threads.create();
			const run = await c.runs.create(thread.thread_id, "slow", {
				input: { ms: 60_000 },
			});
			await c.runs.join(thread.thread_id, run.run_id);
			expect((await c.runs.get(thread.thread_id, run.run_id)).status).toBe(
				"timeout",
			);
		});
	});

	it("maxRunsPerAssistant refuses a run over it with 429 RATE_LIMITED", async () => {
		await withServer({ maxRunsPerAssistant: { slow: 1 } }, async (url) => {
			const c = client(url);
			const [a, b] = [await c.threads.create(), await c.threads.create()];
			const first = await c.runs.create(a.thread_id, "slow", {
				input: { ms: 60_000 },
			});
			await expect(
				c.runs.create(b.thread_id, "slow", { input: { ms: 1 } }),
			).rejects.toMatchObject({ status: 429 });
			// another assistant is not limited
			const r = await c.threads.create();
			await c.runs.wait(r.thread_id, "review", { input: { topic: "x" } });
			await c.runs.cancel(a.thread_id, first.run_id, true);
			await c.runs.wait(b.thread_id, "slow", { input: { ms: 1 } });
		});
	});
});

describe("runs at once in process", () => {
	it("maxConcurrentRuns: a run over it waits pending, a cancelled waiter frees nothing twice, all end", async () => {
		await withServer({ maxConcurrentRuns: 1 }, async (url) => {
			const c = client(url);
			const [a, b, d] = [
				await c.threads.create(),
				await c.threads.create(),
				await c.threads.create(),
			];
			const first = await c.runs.create(a.thread_id, "slow", {
				input: { ms: 2000 },
			});
			const cancelled = await c.runs.create(b.thread_id, "slow", {
				input: { ms: 1 },
			});
			const third = await c.runs.create(d.thread_id, "slow", {
				input: { ms: 1 },
			});
			await waitFor(
				async () =>
					(await c.runs.get(a.thread_id, first.run_id)).status === "running",
			);
			expect((await c.runs.get(b.thread_id, cancelled.run_id)).status).toBe(
				"pending",
			);
			await c.runs.cancel(b.thread_id, cancelled.run_id);
			expect(await c.runs.join(d.thread_id, third.run_id)).toMatchObject({
				done: true,
			});
			expect((await c.runs.get(a.thread_id, first.run_id)).status).toBe(
				"success",
			);
			expect((await c.runs.get(b.thread_id, cancelled.run_id)).status).toBe(
				"cancelled",
			);
		});
	});
});

describe("run events are bounded and expire", () => {
	it("keeps the newest maxPerRun events: Last-Event-ID inside them replays exactly once, before them is 410 EVENTS_EXPIRED", async () => {
		await withServer({ events: { maxPerRun: 3 } }, async (url) => {
			const c = client(url);
			const thread = await c.threads.create();
			const run = await c.runs.create(thread.thread_id, "review", {
				input: { topic: "x" },
				streamMode: ["values", "updates", "custom"],
			});
			await c.runs.join(thread.thread_id, run.run_id);
			const ids: string[] = [];
			for await (const p of c.runs.joinStream(thread.thread_id, run.run_id))
				ids.push((p as { id?: string }).id ?? "");
			expect(ids).toHaveLength(3);
			const last = Number(ids[2]);
			expect(last).toBeGreaterThan(3);
			const after: string[] = [];
			for await (const p of c.runs.joinStream(thread.thread_id, run.run_id, {
				lastEventId: String(last - 2),
			}))
				after.push((p as { id?: string }).id ?? "");
			expect(after).toEqual([String(last - 1), String(last)]);
			const expired = await fetch(
				`${url}/threads/${thread.thread_id}/runs/${run.run_id}/stream`,
				{ headers: { "Last-Event-ID": "1" } },
			);
			expect(expired.status).toBe(410);
			expect(await expired.json()).toMatchObject({ code: "EVENTS_EXPIRED" });
		});
	});

	it("drops a run's events ttlMs after it ends; its outcome stays readable", async () => {
		await withServer({ events: { ttlMs: 100 } }, async (url) => {
			const c = client(url);
			const thread = await c.threads.create();
			const run = await c.runs.create(thread.thread_id, "slow", {
				input: { ms: 1 },
			});
			await c.runs.join(thread.thread_id, run.run_id);
			await waitFor(async () => {
				const r = await fetch(
					`${url}/threads/${thread.thread_id}/runs/${run.run_id}/stream`,
					{ headers: { "Last-Event-ID": "1" } },
				);
				await r.body?.cancel();
				return r.status === 410;
			});
			expect((await c.runs.get(thread.thread_id, run.run_id)).status).toBe(
				"success",
			);
			expect(await c.runs.join(thread.thread_id, run.run_id)).toMatchObject({
				done: true,
			});
		});
	});

	it("keeps the events of at most maxEndedRuns ended runs, dropping the oldest first; outcomes stay readable", async () => {
		await withServer({ events: { maxEndedRuns: 2 } }, async (url) => {
			const c = client(url);
			const runs: Array<{ thread: string; run: string }> = [];
			for (let i = 0; i < 4; i++) {
				const thread = await c.threads.create();
				const run = await c.runs.create(thread.thread_id, "slow", {
					input: { ms: 1 },
				});
				await c.runs.join(thread.thread_id, run.run_id);
				runs.push({ thread: thread.thread_id, run: run.run_id });
			}
			const replay = async ({ thread, run }: (typeof runs)[number]) => {
				const r = await fetch(`${url}/threads/${thread}/runs/${run}/stream`, {
					headers: { "Last-Event-ID": "1" },
				});
				await r.body?.cancel();
				return r.status;
			};
			// the two oldest ended runs lost their events (well before the hour), the two newest keep them
			expect(await Promise.all(runs.map(replay))).toEqual([410, 410, 200, 200]);
			for (const { thread, run } of runs) {
				expect((await c.runs.get(thread, run)).status).toBe("success");
				expect(await c.runs.join(thread, run)).toMatchObject({ done: true });
			}
		});
	});
});

describe("graceful shutdown in process", () => {
	it("close() refuses new runs (503 SHUTTING_DOWN), lets a run within the grace finish, cancels one past it", async () => {
		const weft = createApp({
			graphs: { slow },
			checkpointer: new MemoryCheckpointer(),
			shutdownGraceMs: 1500,
		});
		await weft.ready;
		const post = (path: string, body: unknown) =>
			weft.app.fetch(
				new Request(`http://weft${path}`, {
					method: "POST",
					headers: { "Content-Type": "application/json" },
					body: JSON.stringify(body),
				}),
			);
		const thread = async () =>
			((await (await post("/threads", {})).json()) as { thread_id: string })
				.thread_id;
		const [short, long, late] = [
			await thread(),
			await thread(),
			await thread(),
		];
		const start = async (t: string, ms: number) =>
			(
				(await (
					await post(`/threads/${t}/runs`, {
						assistant_id: "slow",
						input: { ms },
					})
				).json()) as { run_id: string }
			).run_id;
		const status = async (t: string, r: string) =>
			(
				(await (
					await weft.app.fetch(
						new Request(`http://weft/threads/${t}/runs/${r}`),
					)
				).json()) as { status: string }
			).status;
		const shortRun = await start(short, 300);
		const longRun = await start(long, 60_000);
		const closed = weft.close();
		const refused = await post(`/threads/${late}/runs`, {
			assistant_id: "slow",
			input: { ms: 1 },
		});
		expect(refused.status).toBe(503);
		expect(await refused.json()).toMatchObject({ code: "SHUTTING_DOWN" });
		// a run refused so does not interrupt the thread's run first: that one goes on (until the grace)
		const interrupting = await post(`/threads/${long}/runs`, {
			assistant_id: "slow",
			input: { ms: 1 },
			multitask_strategy: "interrupt",
		});
		expect(interrupting.status).toBe(503);
		expect(await status(long, longRun)).toBe("running");
		await closed;
		expect(await status(short, shortRun)).toBe("success");
		expect(await status(long, longRun)).toBe("cancelled");
	});
});
