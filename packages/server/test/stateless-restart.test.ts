import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, describe, expect, it } from "vitest";
import { startWeft } from "./fixtures/weft-dev.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "weft-stateless-restart-"));
const db = join(dir, "weft.db");
const started: { stop(signal?: NodeJS.Signals): Promise<number | null> }[] = [];
const start = async () => {
	const p = await startWeft([
		"--db",
		db,
		"dev",
		"--graph",
		`slow=${graphs}#slow`,
		"--port",
		"0",
	]);
	started.push(p);
	return p;
};
afterAll(async () => {
	await Promise.all(started.map((p) => p.stop("SIGKILL")));
	rmSync(dir, { recursive: true, force: true });
});

/** Starts a stateless run of `slow` and resolves with its thread once the run is running. */
async function runningStateless(
	url: string,
	client: Client,
	onCompletion: "delete" | "keep",
): Promise<string> {
	// the SDK's runs.create sends no on_completion (its stream and wait do)
	const res = await fetch(`${url}/runs`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({
			assistant_id: "slow",
			input: { ms: 60_000 },
			on_completion: onCompletion,
		}),
	});
	const run = (await res.json()) as { run_id: string; thread_id: string };
	const threadId = run.thread_id;
	for (let i = 0; i < 200; i++) {
		if ((await client.runs.get(threadId, run.run_id)).status === "running")
			return threadId;
		await new Promise((r) => setTimeout(r, 25));
	}
	throw new Error("the stateless run never started");
}

describe("a stateless run's thread when weft dev is killed during the run", () => {
	// outside check (6 Dec): the thread made for the run stayed for ever (listed by threads.search, its
	// checkpoints in the file) once the process that would have deleted it at the run's end was gone
	it("is deleted when the server starts again; one kept with onCompletion: keep stays", async () => {
		const first = await start();
		const client = new Client({ apiUrl: first.url });
		const dropped = await runningStateless(first.url, client, "delete");
		const kept = await runningStateless(first.url, client, "keep");
		await new Promise((r) => setTimeout(r, 200));
		await first.stop("SIGKILL");

		const second = await start();
		const again = new Client({ apiUrl: second.url });
		const ids = (await again.threads.search({ limit: 100 })).map(
			(t) => t.thread_id,
		);
		expect(ids).toEqual([kept]);
		await expect(again.threads.get(dropped)).rejects.toMatchObject({
			status: 404,
		});
		expect((await again.threads.getState(kept)).values).toMatchObject({
			ms: 60_000,
		});
	});
});
