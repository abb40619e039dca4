import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
let dir: string;
let server: ServerProcess;
let client: Client;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-dev-"));
	writeFileSync(
		join(dir, "weft.json"),
		JSON.stringify({ graphs: { review: `${graphs}#review` } }),
	);
	server = await startWeft([
		"--db",
		join(dir, "weft.db"),
		"dev",
		"--config",
		join(dir, "weft.json"),
		"--graph",
		`slow=${graphs}#slow`,
		"--port",
		"0",
	]);
	client = new Client({ apiUrl: server.url });
}, 60_000);
afterAll(async () => {
	expect(await server?.stop()).toBe(0);
	rmSync(dir, { recursive: true, force: true });
});

describe("weft dev, driven only through the LangGraph SDK", () => {
	it("serves the graphs of weft.json and of --graph as assistants", async () => {
		const all = await client.assistants.search();
		expect(all.map((a) => a.graph_id).sort()).toEqual(["review", "slow"]);
	});

	it("runs with wait to a human checkpoint, resumes with command.resume, keeps history", async () => {
		const thread = await client.threads.create();
		const paused = (await client.runs.wait(thread.thread_id, "review", {
			input: { topic: "tea" },
		})) as any;
		expect(paused.__interrupt__[0].value).toEqual({ question: "approve?" });
		const state = await client.threads.getState(thread.thread_id);
		expect(state.next).toEqual(["review"]);
		const done = (await client.runs.wait(thread.thread_id, "review", {
			command: { resume: "yes" },
		})) as any;
		expect(done).toMatchObject({
			approved: true,
			notes: ["plan tea", "review yes"],
		});
		const history = await client.threads.getHistory(thread.thread_id, {
			limit: 50,
		});
		expect(history[0]!.values).toMatchObject({ approved: true });
		expect(history.length).toBeGreaterThanOrEqual(3);
	});

	it("streams a run and forks it with updateState", async () => {
		const thread = await client.threads.create();
		const events: string[] = [];
		for await (const p of client.runs.stream(thread.thread_id, "review", {
			input: { topic: "jam" },
			streamMode: ["updates", "custom"],
		}))
			events.push(p.event);
		expect(events).toEqual(["metadata", "custom", "updates", "updates"]);
		const history = await client.threads.getHistory(thread.thread_id);
		const afterPlan = history.find((h) => h.next.includes("review"))!;
		const fork = await client.threads.updateState(thread.thread_id, {
			values: { topic: "fork" },
			checkpointId: afterPlan.checkpoint.checkpoint_id!,
			asNode: "plan",
		});
		const forkId = String(fork.configurable?.checkpoint_id);
		expect(
			(await client.threads.getState(thread.thread_id, forkId)).values,
		).toMatchObject({ topic: "fork" });
		expect(
			(
				await client.threads.getState(
					thread.thread_id,
					afterPlan.checkpoint.checkpoint_id!,
				)
			).values,
		).toMatchObject({
			topic: "jam",
		});
	});

	it("cancels a run; a second run on a busy thread gets 409", async () => {
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "slow", {
			input: { ms: 30_000 },
		});
		await expect(
			client.runs.create(thread.thread_id, "slow", {
				input: {},
				multitaskStrategy: "reject",
			}),
		).rejects.toMatchObject({ status: 409 });
		await client.runs.cancel(thread.thread_id, run.run_id, true);
		expect((await client.runs.get(thread.thread_id, run.run_id)).status).toBe(
			"cancelled",
		);
		const again = (await client.runs.wait(thread.thread_id, "slow", {
			input: { ms: 1 },
		})) as any;
		expect(again.done).toBe(true);
	});
});
