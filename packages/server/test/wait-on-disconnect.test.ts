// runs.wait (on a thread, and stateless) with onDisconnect: "cancel", through the LangGraph SDK: a client
// that leaves (its request aborted) cancels the run, as LangGraph's API does; without it the run goes on.
// It used to be ignored for waits (only streams honoured it), and the server kept waiting for the run's
// end for a client that was gone.

import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { slow } from "./fixtures/graphs.ts";
import { postgresAvailable, serveWithWorker } from "./fixtures/processes.ts";

let server: Awaited<ReturnType<typeof serve>>;
let client: Client;
beforeAll(async () => {
	server = await serve({
		graphs: { slow },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
	});
	client = new Client({
		apiUrl: `http://127.0.0.1:${server.port}`,
		callerOptions: { maxRetries: 0 },
	});
});
afterAll(() => server.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The thread's one run once it is running. */
async function runningRun(threadId: string) {
	for (let i = 0; i < 200; i++) {
		const [run] = await client.runs.list(threadId);
		if (run?.status === "running") return run;
		await sleep(20);
	}
	throw new Error("the run never ran");
}

async function statusAfter(threadId: string, runId: string, want: string) {
	let status = "";
	for (let i = 0; i < 200 && status !== want; i++) {
		status = (await client.runs.get(threadId, runId)).status;
		if (status !== want) await sleep(25);
	}
	return status;
}

describe("runs.wait whose client leaves", () => {
	it.each([
		["cancel", "cancelled"],
		["continue", "success"],
	] as const)(
		"onDisconnect %s: the run ends %s",
		async (onDisconnect, ends) => {
			const thread = await client.threads.create();
			const leave = new AbortController();
			const waiting = client.runs
				.wait(thread.thread_id, "slow", {
					input: { ms: onDisconnect === "cancel" ? 20_000 : 400 },
					onDisconnect,
					signal: leave.signal,
				})
				.catch((e: unknown) => e);
			const run = await runningRun(thread.thread_id);
			leave.abort();
			await waiting;
			expect(await statusAfter(thread.thread_id, run.run_id, ends)).toBe(ends);
		},
	);

	it("stateless runs.wait with onDisconnect cancel: the run is cancelled", async () => {
		const leave = new AbortController();
		const waiting = client.runs
			.wait(null, "slow", {
				input: { ms: 20_000 },
				onDisconnect: "cancel",
				signal: leave.signal,
				// the SDK sends it for a stateless wait too (its type leaves it out): the thread is kept to look at
				...({ onCompletion: "keep" } as object),
			})
			.catch((e: unknown) => e);
		let found: { thread_id: string; run_id: string } | undefined;
		for (let i = 0; i < 200 && found === undefined; i++) {
			for (const t of await client.threads.search({ limit: 100 })) {
				const [run] = await client.runs.list(t.thread_id);
				if (run?.status === "running") found = run;
			}
			if (found === undefined) await sleep(20);
		}
		expect(found).toBeDefined();
		leave.abort();
		await waiting;
		expect(
			await statusAfter(found!.thread_id, found!.run_id, "cancelled"),
		).toBe("cancelled");
	});
});

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));

describe.skipIf(!(await postgresAvailable()))(
	"runs.wait whose client leaves, on weft serve + weft worker",
	() => {
		it("onDisconnect cancel: the worker's run is cancelled", async () => {
			const served = await serveWithWorker(
				"wait_leave",
				["--graph", `slow=${graphs}#slow`],
				2,
			);
			try {
				const sdk = new Client({
					apiUrl: served.url,
					callerOptions: { maxRetries: 0 },
				});
				const thread = await sdk.threads.create();
				const leave = new AbortController();
				const waiting = sdk.runs
					.wait(thread.thread_id, "slow", {
						input: { ms: 20_000 },
						onDisconnect: "cancel",
						signal: leave.signal,
					})
					.catch((e: unknown) => e);
				let runId: string | undefined;
				for (let i = 0; i < 200 && runId === undefined; i++) {
					const [run] = await sdk.runs.list(thread.thread_id);
					if (run?.status === "running") runId = run.run_id;
					else await sleep(20);
				}
				leave.abort();
				await waiting;
				let status = "";
				for (let i = 0; i < 200 && status !== "cancelled"; i++) {
					status = (await sdk.runs.get(thread.thread_id, runId!)).status;
					if (status !== "cancelled") await sleep(25);
				}
				expect(status).toBe("cancelled");
			} finally {
				await served.close();
			}
		}, 60_000);
	},
);
