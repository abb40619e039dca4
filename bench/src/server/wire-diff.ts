// A throwaway differential audit of the wire: starts `langgraph dev` (@langchain/langgraph-cli, in
// memory) and `weft dev` (SQLite) on free ports with the same small graphs (langgraph/graph.ts and
// weft-graph.ts: `ask` has an interrupt(), `parent` a subgraph, `w3` the agent loop, `slow` a sleeping
// node), drives both with the SDK's `Client` through one script of calls (assistants, threads, state and
// history, runs in every stream mode, multitask strategies, stateless runs, the store, bad calls), and
// prints, step by step, where the two answers differ: keys present, value types, status values, event
// names and order, HTTP statuses and error bodies. Ids and timestamps are masked before comparing.
//
//   npx tsx bench/src/server/wire-diff.ts [--json out.json] [--only <part of a step's name>]
//
// Not part of the bench or the tests: what it found is in packages/server/test/*wire-diff*.test.ts and
// docs/server.md.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { startProcess } from "../../../packages/server/test/fixtures/processes.ts";
import { langgraphDev } from "./targets.ts";

const here = import.meta.dirname;
const GRAPHS = ["w3", "ask", "parent", "slow", "boom", "outerAsk"];

async function freePort(): Promise<number> {
	for (;;) {
		const port = await new Promise<number>((resolve, reject) => {
			const s = createServer();
			s.once("error", reject);
			s.listen(0, "127.0.0.1", () => {
				const p = (s.address() as { port: number }).port;
				s.close(() => resolve(p));
			});
		});
		if (port !== 2024) return port;
	}
}

type Step = { name: string; value: unknown };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What one bad or good raw call answers: its status and body. */
async function raw(
	url: string,
	method: string,
	path: string,
	body?: string,
): Promise<unknown> {
	const res = await fetch(`${url}${path}`, {
		method,
		headers: new Headers(
			body === undefined ? [] : [["content-type", "application/json"]],
		),
		body: body ?? null,
	});
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {}
	return { status: res.status, body: parsed };
}

async function script(url: string): Promise<Step[]> {
	const client = new Client({ apiUrl: url });
	const steps: Step[] = [];
	const only = process.argv.indexOf("--only");
	const step = async (name: string, f: () => Promise<unknown>) => {
		if (only > 0 && !name.includes(process.argv[only + 1]!)) return;
		try {
			steps.push({ name, value: await f() });
		} catch (e) {
			const err = e as { status?: number; message?: string; name?: string };
			steps.push({
				name,
				value: {
					THROWN: err.name,
					status: err.status,
					message: err.message,
				},
			});
		}
	};
	const events = async (
		gen: AsyncIterable<{ event: string; data: unknown }>,
	) => {
		const out: unknown[] = [];
		for await (const e of gen) out.push({ event: e.event, data: e.data });
		return out;
	};

	// assistants
	const [ask] = await client.assistants.search({ graphId: "ask" });
	const [parent] = await client.assistants.search({ graphId: "parent" });
	await step("assistants.search graphId", async () =>
		client.assistants.search({ graphId: "ask" }),
	);
	await step("assistants.search all sorted", async () =>
		(
			await client.assistants.search({
				limit: 10,
				sortBy: "name",
				sortOrder: "asc",
			})
		).map((a) => a.name),
	);
	await step("assistants.search metadata", async () =>
		client.assistants.search({ metadata: { created_by: "system" } }),
	);
	await step("assistants.count", async () => client.assistants.count({}));
	await step("assistants.get", async () =>
		client.assistants.get(ask!.assistant_id),
	);
	await step("assistants.get by graph name", async () =>
		client.assistants.get("ask"),
	);
	await step("assistants.get unknown", async () =>
		client.assistants.get("00000000-0000-0000-0000-000000000000"),
	);
	await step("assistants.getGraph", async () =>
		client.assistants.getGraph(ask!.assistant_id),
	);
	await step("assistants.getGraph parent xray", async () =>
		client.assistants.getGraph(parent!.assistant_id, { xray: true }),
	);
	await step("assistants.getSchemas", async () =>
		client.assistants.getSchemas(ask!.assistant_id),
	);
	await step("assistants.getSubgraphs", async () =>
		client.assistants.getSubgraphs(parent!.assistant_id),
	);
	await step("assistants.getSubgraphs recurse", async () =>
		client.assistants.getSubgraphs(parent!.assistant_id, { recurse: true }),
	);
	await step("assistants.getSubgraphs none", async () =>
		client.assistants.getSubgraphs(ask!.assistant_id),
	);

	// threads
	const t1 = await client.threads.create({ metadata: { k: "v", n: 1 } });
	await step("threads.create metadata", async () => t1);
	const fixed = crypto.randomUUID();
	await step("threads.create threadId", async () =>
		client.threads.create({ threadId: fixed }),
	);
	await step("threads.create ifExists do_nothing", async () =>
		client.threads.create({
			threadId: fixed,
			ifExists: "do_nothing",
			metadata: { other: 1 },
		}),
	);
	await step("threads.create ifExists raise", async () =>
		client.threads.create({ threadId: fixed, ifExists: "raise" }),
	);
	await step("threads.get", async () => client.threads.get(t1.thread_id));
	await step("threads.get unknown", async () =>
		client.threads.get(crypto.randomUUID()),
	);
	await step("threads.update", async () =>
		client.threads.update(t1.thread_id, { metadata: { k: "w", extra: true } }),
	);
	await step("threads.update unknown", async () =>
		client.threads.update(crypto.randomUUID(), { metadata: { a: 1 } }),
	);

	// a paused run
	const t2 = await client.threads.create({ metadata: { audit: "ask" } });
	await step("runs.wait to interrupt", async () =>
		client.runs.wait(t2.thread_id, "ask", { input: { topic: "tea" } }),
	);
	await step("threads.get interrupted", async () =>
		client.threads.get(t2.thread_id),
	);
	await step("threads.getState interrupted", async () =>
		client.threads.getState(t2.thread_id),
	);
	await step("threads.getState subgraphs", async () =>
		client.threads.getState(t2.thread_id, undefined, { subgraphs: true }),
	);
	const history = await client.threads.getHistory(t2.thread_id);
	await step("threads.getHistory", async () => history);
	await step("threads.getHistory limit 1", async () =>
		client.threads.getHistory(t2.thread_id, { limit: 1 }),
	);
	await step("threads.getHistory before", async () =>
		client.threads.getHistory(t2.thread_id, {
			before: {
				configurable: { checkpoint_id: history[0]!.checkpoint.checkpoint_id },
			},
		}),
	);
	await step("threads.getHistory metadata source loop", async () =>
		(
			await client.threads.getHistory(t2.thread_id, {
				metadata: { source: "loop" },
			})
		).map((s) => s.metadata?.step),
	);
	const older = history.at(-1)!;
	await step("threads.getState at checkpoint id", async () =>
		client.threads.getState(t2.thread_id, older.checkpoint.checkpoint_id!),
	);
	await step("threads.getState at checkpoint object", async () =>
		client.threads.getState(t2.thread_id, older.checkpoint),
	);
	await step("threads.getState unknown checkpoint", async () =>
		client.threads.getState(t2.thread_id, crypto.randomUUID()),
	);
	await step("runs.list", async () => client.runs.list(t2.thread_id));
	await step("runs.list status filter", async () =>
		client.runs.list(t2.thread_id, { status: "success" }),
	);
	await step("threads.search metadata", async () =>
		client.threads.search({ metadata: { audit: "ask" } }),
	);
	await step(
		"threads.search status interrupted",
		async () => (await client.threads.search({ status: "interrupted" })).length,
	);
	await step(
		"threads.search values",
		async () =>
			(await client.threads.search({ values: { topic: "tea" } })).length,
	);
	await step(
		"threads.search limit offset sortBy",
		async () =>
			(
				await client.threads.search({
					limit: 2,
					offset: 1,
					sortBy: "created_at",
					sortOrder: "asc",
				})
			).length,
	);
	await step("threads.search bad sortBy", async () =>
		client.threads.search({ sortBy: "nope" as never }),
	);
	await step("threads.count", async () =>
		client.threads.count({ metadata: { audit: "ask" } }),
	);
	await step("runs.wait new input on interrupted", async () => {
		const t = await client.threads.create();
		await client.runs.wait(t.thread_id, "ask", { input: { topic: "a" } });
		return client.runs.wait(t.thread_id, "ask", { input: { topic: "b" } });
	});
	await step("runs.wait resume", async () =>
		client.runs.wait(t2.thread_id, "ask", { command: { resume: "yes" } }),
	);
	await step("threads.get after resume", async () =>
		client.threads.get(t2.thread_id),
	);
	await step("runs.wait resume nothing pending", async () =>
		client.runs.wait(t2.thread_id, "ask", { command: { resume: "again" } }),
	);
	await step("runs.wait command update", async () =>
		client.runs.wait(t2.thread_id, "ask", {
			command: { update: { topic: "coffee" } },
		}),
	);
	await step("runs.wait command goto", async () => {
		const t = await client.threads.create();
		return client.runs.wait(t.thread_id, "ask", {
			command: { goto: "review" },
		});
	});
	const runs = await client.runs.list(t2.thread_id);
	await step("runs.get", async () =>
		client.runs.get(t2.thread_id, runs.at(-1)!.run_id),
	);
	await step("runs.get unknown", async () =>
		client.runs.get(t2.thread_id, crypto.randomUUID()),
	);

	// update state
	await step("threads.updateState asNode", async () =>
		client.threads.updateState(t2.thread_id, {
			values: { topic: "milk" },
			asNode: "write",
		}),
	);
	await step("threads.getState after updateState", async () =>
		client.threads.getState(t2.thread_id),
	);
	await step("threads.get after updateState", async () =>
		client.threads.get(t2.thread_id),
	);
	await step("threads.updateState at checkpoint", async () =>
		client.threads.updateState(t2.thread_id, {
			values: { topic: "fork" },
			checkpointId: older.checkpoint.checkpoint_id!,
		}),
	);
	await step("threads.updateState unknown node", async () =>
		client.threads.updateState(t2.thread_id, {
			values: { topic: "x" },
			asNode: "nope",
		}),
	);
	await step("threads.updateState new thread no asNode", async () => {
		const t = await client.threads.create({ graphId: "ask" });
		return client.threads.updateState(t.thread_id, { values: { topic: "x" } });
	});

	// copy, delete
	await step("threads.copy", async () => client.threads.copy(t2.thread_id));
	await step("threads.copy state", async () => {
		const c = await client.threads.copy(t2.thread_id);
		return client.threads.getState(c.thread_id);
	});
	await step("threads.delete", async () => {
		const t = await client.threads.create();
		const r = await client.threads.delete(t.thread_id);
		return { r: r ?? null };
	});
	await step("threads.delete unknown", async () =>
		client.threads.delete(crypto.randomUUID()),
	);

	// streams
	const modes = [
		"values",
		"updates",
		"messages-tuple",
		"custom",
		"debug",
		"tasks",
		"checkpoints",
	] as const;
	await step("runs.stream ask all modes", async () => {
		const t = await client.threads.create();
		return events(
			client.runs.stream(t.thread_id, "ask", {
				input: { topic: "tea" },
				streamMode: [...modes],
			}),
		);
	});
	await step("runs.stream ask resume values+updates", async () => {
		const t = await client.threads.create();
		await client.runs.wait(t.thread_id, "ask", { input: { topic: "tea" } });
		return events(
			client.runs.stream(t.thread_id, "ask", {
				command: { resume: "yes" },
				streamMode: ["values", "updates"],
			}),
		);
	});
	await step("runs.stream command update values", async () => {
		const t = await client.threads.create();
		await client.runs.wait(t.thread_id, "ask", { input: { topic: "tea" } });
		return events(
			client.runs.stream(t.thread_id, "ask", {
				command: { update: { topic: "milk" } },
				streamMode: ["values", "updates"],
			}),
		);
	});
	await step("runs.stream null input after interruptBefore", async () => {
		const t = await client.threads.create();
		await client.runs.wait(t.thread_id, "parent", {
			input: { n: 1 },
			interruptBefore: ["child"],
		});
		return events(
			client.runs.stream(t.thread_id, "parent", {
				input: null,
				streamMode: ["values", "updates"],
			}),
		);
	});
	await step("runs.stream null input on a finished thread", async () => {
		const t = await client.threads.create();
		await client.runs.wait(t.thread_id, "slow", { input: { ms: 1 } });
		return events(
			client.runs.stream(t.thread_id, "slow", {
				input: null,
				streamMode: ["values"],
			}),
		);
	});
	await step("runs.stream resume at checkpoint_id", async () => {
		const t = await client.threads.create();
		await client.runs.wait(t.thread_id, "ask", { input: { topic: "tea" } });
		const [head] = await client.threads.getHistory(t.thread_id, { limit: 1 });
		return events(
			client.runs.stream(t.thread_id, "ask", {
				command: { resume: "yes" },
				checkpointId: head!.checkpoint.checkpoint_id!,
				streamMode: ["values"],
			}),
		);
	});
	await step("runs.stream default mode", async () => {
		const t = await client.threads.create();
		return events(
			client.runs.stream(t.thread_id, "parent", { input: { n: 1 } }),
		);
	});
	await step("runs.stream parent subgraphs", async () => {
		const t = await client.threads.create();
		return events(
			client.runs.stream(t.thread_id, "parent", {
				input: { n: 1 },
				streamMode: ["values", "updates", "custom"],
				streamSubgraphs: true,
			}),
		);
	});
	await step("threads.getState parent subgraphs", async () => {
		const t = await client.threads.create();
		await client.runs.wait(t.thread_id, "parent", {
			input: { n: 1 },
			interruptBefore: ["child"],
		});
		return client.threads.getState(t.thread_id, undefined, {
			subgraphs: true,
		});
	});
	await step("runs.stream w3 messages-tuple", async () => {
		const t = await client.threads.create();
		return (
			await events(
				client.runs.stream(t.thread_id, "w3", {
					input: { messages: [{ role: "user", content: "go" }], turns: 1 },
					streamMode: ["updates"],
				}),
			)
		).slice(0, 3);
	});
	await step("runs.wait w3", async () => {
		const t = await client.threads.create();
		return client.runs.wait(t.thread_id, "w3", {
			input: { messages: [{ role: "user", content: "go" }], turns: 1 },
		});
	});
	await step("runs.stream interruptBefore", async () => {
		const t = await client.threads.create();
		return events(
			client.runs.stream(t.thread_id, "ask", {
				input: { topic: "tea" },
				interruptBefore: ["review"],
				streamMode: ["updates"],
			}),
		);
	});
	await step("runs.wait interruptAfter + get thread", async () => {
		const t = await client.threads.create();
		const out = await client.runs.wait(t.thread_id, "ask", {
			input: { topic: "tea" },
			interruptAfter: ["write"],
		});
		return { out, thread: await client.threads.get(t.thread_id) };
	});
	await step("runs.wait interruptBefore unknown node", async () => {
		const t = await client.threads.create();
		return client.runs.wait(t.thread_id, "ask", {
			input: { topic: "tea" },
			interruptBefore: ["nope"],
		});
	});

	await step("failed run: stream, wait, thread, state, run", async () => {
		const t = await client.threads.create();
		const streamed = await events(
			client.runs.stream(t.thread_id, "boom", {
				input: { n: 1 },
				streamMode: ["values", "updates"],
			}),
		);
		let waited: unknown;
		const t2 = await client.threads.create();
		try {
			waited = await client.runs.wait(t2.thread_id, "boom", {
				input: { n: 1 },
			});
		} catch (e) {
			waited = { thrown: (e as Error).message };
		}
		const raw2 = await raw(
			url,
			"POST",
			`/threads/${t2.thread_id}/runs/wait`,
			JSON.stringify({ assistant_id: "boom", input: { n: 1 } }),
		);
		const [run] = await client.runs.list(t.thread_id);
		return {
			streamed,
			waited,
			raw: raw2,
			thread: await client.threads.get(t.thread_id),
			state: await client.threads.getState(t.thread_id),
			run,
		};
	});
	await step("w3 messages-tuple", async () => {
		const t = await client.threads.create();
		return (
			await events(
				client.runs.stream(t.thread_id, "w3", {
					input: { messages: [{ role: "user", content: "go" }], turns: 1 },
					streamMode: ["messages-tuple"],
				}),
			)
		).map((e) => (e as { event: string }).event);
	});
	await step("interrupt inside a subgraph", async () => {
		const t = await client.threads.create();
		const streamed = await events(
			client.runs.stream(t.thread_id, "outerAsk", {
				input: { topic: "tea" },
				streamMode: ["values", "updates"],
				streamSubgraphs: true,
			}),
		);
		const thread = await client.threads.get(t.thread_id);
		const state = await client.threads.getState(t.thread_id);
		const withSub = await client.threads.getState(t.thread_id, undefined, {
			subgraphs: true,
		});
		const resumed = await events(
			client.runs.stream(t.thread_id, "outerAsk", {
				command: { resume: "yes" },
				streamMode: ["values", "updates"],
				streamSubgraphs: true,
			}),
		);
		const after = await client.threads.get(t.thread_id);
		const t2 = await client.threads.create();
		const waited = await client.runs.wait(t2.thread_id, "outerAsk", {
			input: { topic: "tea" },
		});
		return { streamed, thread, state, withSub, resumed, after, waited };
	});
	// run records: config, context, metadata
	await step("runs.create record", async () => {
		const t = await client.threads.create({ metadata: { owner: "t" } });
		const run = await client.runs.create(t.thread_id, "parent", {
			input: { n: 1 },
			config: { configurable: { x: 1 }, tags: ["a"] },
			context: { user: "ada" },
			metadata: { m: 1 },
		});
		await client.runs.join(t.thread_id, run.run_id);
		return {
			created: run,
			after: await client.runs.get(t.thread_id, run.run_id),
		};
	});
	await step("runs.join output", async () => {
		const t = await client.threads.create();
		const run = await client.runs.create(t.thread_id, "parent", {
			input: { n: 1 },
		});
		return client.runs.join(t.thread_id, run.run_id);
	});
	await step("runs.joinStream after end", async () => {
		const t = await client.threads.create();
		const run = await client.runs.create(t.thread_id, "parent", {
			input: { n: 1 },
			streamMode: ["values", "updates"],
		});
		await client.runs.join(t.thread_id, run.run_id);
		return events(client.runs.joinStream(t.thread_id, run.run_id));
	});
	await step("runs.joinStream live", async () => {
		const t = await client.threads.create();
		const run = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 300 },
			streamMode: ["values"],
		});
		return events(client.runs.joinStream(t.thread_id, run.run_id));
	});
	await step("runs.join failed input", async () => {
		const t = await client.threads.create();
		return client.runs.wait(t.thread_id, "ask", {
			input: { topic: 5 },
		});
	});

	// busy thread and multitask
	await step("busy: reject", async () => {
		const t = await client.threads.create();
		const a = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 800 },
		});
		const out: Record<string, unknown> = {};
		out.threadBusy = await client.threads.get(t.thread_id);
		try {
			await client.runs.create(t.thread_id, "slow", { input: { ms: 10 } });
			out.second = "accepted";
		} catch (e) {
			out.second = {
				status: (e as { status?: number }).status,
				message: (e as Error).message,
			};
		}
		out.raw = await raw(
			url,
			"POST",
			`/threads/${t.thread_id}/runs`,
			JSON.stringify({ assistant_id: "slow", input: { ms: 10 } }),
		);
		await client.runs.join(t.thread_id, a.run_id);
		return out;
	});
	await step("busy: enqueue", async () => {
		const t = await client.threads.create();
		const a = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 600 },
		});
		const b = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 10 },
			multitaskStrategy: "enqueue",
		});
		const pending = await client.runs.get(t.thread_id, b.run_id);
		await client.runs.join(t.thread_id, b.run_id);
		return {
			b,
			pending: pending.status,
			a: (await client.runs.get(t.thread_id, a.run_id)).status,
			bAfter: (await client.runs.get(t.thread_id, b.run_id)).status,
		};
	});
	await step("busy: interrupt", async () => {
		const t = await client.threads.create();
		const a = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 800 },
		});
		await sleep(200);
		const b = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 10 },
			multitaskStrategy: "interrupt",
		});
		await client.runs.join(t.thread_id, b.run_id);
		await sleep(100);
		return {
			a: (await client.runs.get(t.thread_id, a.run_id)).status,
			b: (await client.runs.get(t.thread_id, b.run_id)).status,
			thread: (await client.threads.get(t.thread_id)).status,
		};
	});
	await step("busy: rollback", async () => {
		const t = await client.threads.create();
		const a = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 800 },
		});
		await sleep(200);
		const b = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 10 },
			multitaskStrategy: "rollback",
		});
		await client.runs.join(t.thread_id, b.run_id);
		await sleep(100);
		let aRead: unknown;
		try {
			aRead = (await client.runs.get(t.thread_id, a.run_id)).status;
		} catch (e) {
			aRead = { status: (e as { status?: number }).status };
		}
		return {
			a: aRead,
			b: (await client.runs.get(t.thread_id, b.run_id)).status,
		};
	});
	await step("runs.cancel", async () => {
		const t = await client.threads.create();
		const a = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 1500 },
		});
		await sleep(200);
		const r = await client.runs.cancel(t.thread_id, a.run_id, true);
		await sleep(100);
		return {
			r: r ?? null,
			run: (await client.runs.get(t.thread_id, a.run_id)).status,
			thread: (await client.threads.get(t.thread_id)).status,
			join: await client.runs.join(t.thread_id, a.run_id),
		};
	});
	await step("runs.cancel no wait", async () => {
		const t = await client.threads.create();
		const a = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 1500 },
		});
		await sleep(200);
		const r = await client.runs.cancel(t.thread_id, a.run_id);
		return { r: r ?? null };
	});
	await step("runs.cancel ended run", async () => {
		const t = await client.threads.create();
		const a = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 10 },
		});
		await client.runs.join(t.thread_id, a.run_id);
		return client.runs.cancel(t.thread_id, a.run_id);
	});
	await step("runs.cancel unknown", async () => {
		const t = await client.threads.create();
		return client.runs.cancel(t.thread_id, crypto.randomUUID());
	});
	await step("runs.delete", async () => {
		const t = await client.threads.create();
		const a = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 10 },
		});
		await client.runs.join(t.thread_id, a.run_id);
		const r = await client.runs.delete(t.thread_id, a.run_id);
		let after: unknown;
		try {
			after = await client.runs.get(t.thread_id, a.run_id);
		} catch (e) {
			after = { status: (e as { status?: number }).status };
		}
		return { r: r ?? null, after };
	});
	await step("runs.delete running", async () => {
		const t = await client.threads.create();
		const a = await client.runs.create(t.thread_id, "slow", {
			input: { ms: 800 },
		});
		try {
			return await client.runs.delete(t.thread_id, a.run_id);
		} finally {
			await client.runs.join(t.thread_id, a.run_id).catch(() => {});
		}
	});
	await step("ifNotExists create", async () =>
		client.runs.wait(crypto.randomUUID(), "parent", {
			input: { n: 1 },
			ifNotExists: "create",
		}),
	);
	await step("ifNotExists reject (default)", async () =>
		client.runs.wait(crypto.randomUUID(), "parent", { input: { n: 1 } }),
	);
	await step("runs.stream unknown thread", async () =>
		events(
			client.runs.stream(crypto.randomUUID(), "parent", { input: { n: 1 } }),
		),
	);
	await step("runs.wait unknown assistant", async () => {
		const t = await client.threads.create();
		return client.runs.wait(t.thread_id, "nope", { input: {} });
	});

	// stateless
	await step("stateless wait", async () =>
		client.runs.wait(null, "parent", { input: { n: 1 } }),
	);
	await step("stateless stream", async () =>
		events(client.runs.stream(null, "parent", { input: { n: 1 } })),
	);
	await step("stateless create+join keep", async () => {
		const run = await client.runs.create(null, "parent", {
			input: { n: 1 },
			onCompletion: "keep",
		} as never);
		await sleep(500);
		const thread = await client.threads.get(run.thread_id);
		return { run, thread };
	});
	await step("stateless wait delete, thread after", async () => {
		const before = await client.threads.count({});
		await client.runs.wait(null, "parent", {
			input: { n: 1 },
			onCompletion: "delete",
		} as never);
		await sleep(300);
		return { grew: (await client.threads.count({})) - before };
	});
	await step("stateless wait keep, thread after", async () => {
		const before = await client.threads.count({});
		await client.runs.wait(null, "parent", {
			input: { n: 1 },
			onCompletion: "keep",
		} as never);
		await sleep(300);
		return { grew: (await client.threads.count({})) - before };
	});

	// store
	await step("store.putItem", async () =>
		client.store.putItem(["audit", "a"], "k1", { x: 1 }),
	);
	await step("store.getItem", async () =>
		client.store.getItem(["audit", "a"], "k1"),
	);
	await step("store.getItem missing", async () =>
		client.store.getItem(["audit", "a"], "missing"),
	);
	await step("store.searchItems", async () =>
		client.store.searchItems(["audit"], { filter: { x: 1 } }),
	);
	await step("store.listNamespaces", async () =>
		client.store.listNamespaces({ prefix: ["audit"] }),
	);
	await step("store.deleteItem", async () =>
		client.store.deleteItem(["audit", "a"], "k1"),
	);

	// bad calls, raw
	const t3 = await client.threads.create();
	await step("raw: POST /threads not json", async () =>
		raw(url, "POST", "/threads", "{not json"),
	);
	await step("raw: POST /threads bad metadata", async () =>
		raw(url, "POST", "/threads", JSON.stringify({ metadata: 5 })),
	);
	await step("raw: POST runs no assistant", async () =>
		raw(url, "POST", `/threads/${t3.thread_id}/runs`, JSON.stringify({})),
	);
	await step("raw: POST runs bad stream_mode", async () =>
		raw(
			url,
			"POST",
			`/threads/${t3.thread_id}/runs`,
			JSON.stringify({ assistant_id: "parent", stream_mode: "nope" }),
		),
	);
	await step("raw: POST runs/wait unknown thread", async () =>
		raw(
			url,
			"POST",
			`/threads/${crypto.randomUUID()}/runs/wait`,
			JSON.stringify({ assistant_id: "parent", input: {} }),
		),
	);
	await step("raw: GET unknown thread", async () =>
		raw(url, "GET", `/threads/${crypto.randomUUID()}`),
	);
	await step("raw: GET thread id not uuid", async () =>
		raw(url, "GET", "/threads/not-a-uuid"),
	);
	await step("raw: POST /threads/search bad limit", async () =>
		raw(url, "POST", "/threads/search", JSON.stringify({ limit: "x" })),
	);
	await step("raw: GET unknown route", async () => raw(url, "GET", "/nope"));
	await step("raw: GET /info", async () => raw(url, "GET", "/info"));
	await step("raw: GET /ok", async () => raw(url, "GET", "/ok"));
	await step("raw: POST /assistants/search headers", async () => {
		const res = await fetch(`${url}/assistants/search`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ limit: 1 }),
		});
		return {
			status: res.status,
			total: res.headers.get("x-pagination-total") !== null,
		};
	});
	return steps;
}

// ---- comparing ----------------------------------------------------------------------------------

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

function mask(v: unknown): unknown {
	if (typeof v === "string") {
		if (TS.test(v)) return "<ts>";
		return v.replace(UUID, "<uuid>").replace(/run-<uuid>/g, "<uuid>");
	}
	if (Array.isArray(v)) return v.map(mask);
	if (v !== null && typeof v === "object") {
		const out: Record<string, unknown> = {};
		for (const [k, x] of Object.entries(v)) out[mask(k) as string] = mask(x);
		return out;
	}
	return v;
}

const kind = (v: unknown) =>
	v === null ? "null" : Array.isArray(v) ? "array" : typeof v;

function diff(a: unknown, b: unknown, path: string, out: string[]): void {
	const ka = kind(a);
	const kb = kind(b);
	if (ka !== kb) {
		out.push(`${path}: langgraph ${ka} ${short(a)} | weft ${kb} ${short(b)}`);
		return;
	}
	if (ka === "array") {
		const xa = a as unknown[];
		const xb = b as unknown[];
		if (xa.length !== xb.length)
			out.push(`${path}: length langgraph ${xa.length} | weft ${xb.length}`);
		for (let i = 0; i < Math.min(xa.length, xb.length); i++)
			diff(xa[i], xb[i], `${path}[${i}]`, out);
		return;
	}
	if (ka === "object") {
		const oa = a as Record<string, unknown>;
		const ob = b as Record<string, unknown>;
		for (const k of new Set([...Object.keys(oa), ...Object.keys(ob)])) {
			if (!(k in oa)) out.push(`${path}.${k}: only weft (${short(ob[k])})`);
			else if (!(k in ob))
				out.push(`${path}.${k}: only langgraph (${short(oa[k])})`);
			else diff(oa[k], ob[k], `${path}.${k}`, out);
		}
		return;
	}
	if (a !== b) out.push(`${path}: langgraph ${short(a)} | weft ${short(b)}`);
}

const short = (v: unknown) => {
	const s = JSON.stringify(v) ?? String(v);
	return s.length > 160 ? `${s.slice(0, 160)}…` : s;
};

async function main() {
	const dir = mkdtempSync(join(tmpdir(), "weft-wire-diff-"));
	const lgPort = await freePort();
	const graphArgs = GRAPHS.flatMap((g) => [
		"--graph",
		`${g}=${join(here, "weft-graph.ts")}#${g}`,
	]);
	const [lg, weft] = await Promise.all([
		langgraphDev(lgPort),
		startProcess(
			["--db", join(dir, "weft.db"), "dev", ...graphArgs, "--port", "0"],
			/listening on (http:\/\/[^\s]+)/,
		),
	]);
	try {
		const a = await script(lg.url);
		const b = await script(weft.match[1]!);
		const jsonAt = process.argv.indexOf("--json");
		if (jsonAt > 0)
			writeFileSync(
				process.argv[jsonAt + 1]!,
				JSON.stringify({ langgraph: a, weft: b }, null, 1),
			);
		for (let i = 0; i < a.length; i++) {
			const out: string[] = [];
			diff(mask(a[i]!.value), mask(b[i]?.value), "", out);
			console.log(`\n## ${a[i]!.name}${out.length === 0 ? ": same" : ""}`);
			for (const line of out) console.log(`  ${line}`);
		}
	} finally {
		await Promise.all([lg.stop(), weft.stop()]);
		rmSync(dir, { recursive: true, force: true });
	}
}

await main();
