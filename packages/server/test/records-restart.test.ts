import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, describe, expect, it } from "vitest";
import { startWeft } from "./fixtures/weft-dev.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "weft-records-"));
const db = join(dir, "weft.db");
const token = "web:records-token,other:other-token";
const start = async () => {
	const p = await startWeft(
		[
			"--db",
			db,
			"dev",
			"--graph",
			`review=${graphs}#review`,
			"--graph",
			`slow=${graphs}#slow`,
			"--port",
			"0",
			"--auth",
		],
		{ WEFT_API_TOKENS: token },
	);
	started.push(p);
	return p;
};
const sdk = (url: string) =>
	new Client({
		apiUrl: url,
		defaultHeaders: { authorization: "Bearer records-token" },
	});

const started: { stop(signal?: NodeJS.Signals): Promise<number | null> }[] = [];
afterAll(async () => {
	// a failed assertion must not leave a server behind
	await Promise.all(started.map((p) => p.stop("SIGKILL")));
	rmSync(dir, { recursive: true, force: true });
});

describe("weft dev keeps thread and run records in its SQLite file", () => {
	it("a restart keeps owners, metadata and runs; a run cut by the restart ends as error", async () => {
		const first = await start();
		const client = sdk(first.url);
		const thread = await client.threads.create({ metadata: { team: "tea" } });
		const paused = await client.runs.create(thread.thread_id, "review", {
			input: { topic: "tea" },
			metadata: { why: "restart" },
		});
		await client.runs.join(thread.thread_id, paused.run_id);
		// a run that fails (plan → review is two steps): why, kept with its record
		const limited = await client.threads.create();
		const failed = await client.runs.create(limited.thread_id, "review", {
			input: { topic: "tea" },
			config: { recursion_limit: 1 },
		});
		const failure = (await client.runs.join(
			limited.thread_id,
			failed.run_id,
		)) as { __error__?: { error: string } };
		// with what to do about it, in a client's words (decision 0272)
		const recursion = {
			error: "GRAPH_RECURSION_LIMIT",
			message: expect.any(String),
			hint: expect.stringContaining("raise config.recursion_limit"),
		};
		expect(failure.__error__).toEqual(recursion);
		const streamed: unknown[] = [];
		for await (const e of client.runs.stream(limited.thread_id, "review", {
			input: { topic: "tea" },
			config: { recursion_limit: 1 },
		}))
			if (e.event === "error") streamed.push(e.data);
		expect(streamed).toEqual([recursion]);
		const cut = await client.threads.create();
		const slow = await client.runs.create(cut.thread_id, "slow", {
			input: { ms: 60_000 },
		});
		// wait until it runs, then kill the process so it cannot end the run itself
		for (let i = 0; i < 200; i++) {
			if (
				(await client.runs.get(cut.thread_id, slow.run_id)).status === "running"
			)
				break;
			await new Promise((r) => setTimeout(r, 25));
		}
		await new Promise((r) => setTimeout(r, 300));
		await first.stop("SIGKILL");

		const second = await start();
		const again = sdk(second.url);
		const t = await again.threads.get(thread.thread_id);
		expect(t.metadata).toMatchObject({ team: "tea" });
		expect(t.status).toBe("interrupted");
		const found = await again.threads.search({ metadata: { team: "tea" } });
		expect(found.map((x) => x.thread_id)).toEqual([thread.thread_id]);
		const runs = await again.runs.list(thread.thread_id);
		expect(runs.map((r) => [r.run_id, r.status, r.metadata])).toEqual([
			// run metadata: the thread's, the graph's ids and the run's own, as LangGraph merges them
			[
				paused.run_id,
				"interrupted",
				expect.objectContaining({ why: "restart", graph_id: "review" }),
			],
		]);
		expect((await again.runs.get(cut.thread_id, slow.run_id)).status).toBe(
			"error",
		);
		// outside check (6 Dec): its join answered the thread's values with no error (as a success would),
		// and re-joining its stream was 404 "no run stream"
		expect(
			(
				(await again.runs.join(cut.thread_id, slow.run_id)) as {
					__error__?: { error: string; message: string };
				}
			).__error__,
		).toEqual({
			error: "NODE_FAILED",
			message: expect.stringContaining("the server process running it stopped"),
		});
		const events: unknown[] = [];
		for await (const e of again.runs.joinStream(cut.thread_id, slow.run_id))
			events.push(e);
		expect(events).toEqual([]);
		const resumed = await fetch(
			`${second.url}/threads/${cut.thread_id}/runs/${slow.run_id}/stream`,
			{
				headers: {
					"last-event-id": "3",
					authorization: "Bearer records-token",
				},
			},
		);
		expect(resumed.status).toBe(410);
		expect(await resumed.json()).toMatchObject({ code: "EVENTS_EXPIRED" });
		// joining a run of the earlier process answers the thread's values
		const joined = (await again.runs.join(thread.thread_id, paused.run_id)) as {
			__interrupt__: { value: unknown }[];
		};
		expect(joined.__interrupt__[0]!.value).toEqual({ question: "approve?" });
		// and a failed run's join still says why it failed
		expect(
			(
				(await again.runs.join(limited.thread_id, failed.run_id)) as {
					__error__?: { error: string; message: string };
				}
			).__error__,
		).toEqual(recursion);
		// another caller still sees none of it
		const stranger = new Client({
			apiUrl: second.url,
			defaultHeaders: { authorization: "Bearer other-token" },
		});
		await expect(stranger.threads.get(thread.thread_id)).rejects.toThrow();
		const done = (await again.runs.wait(thread.thread_id, "review", {
			command: { resume: "yes" },
		})) as { approved: boolean };
		expect(done.approved).toBe(true);
		expect(await second.stop()).toBe(0);
	}, 60_000);
});
