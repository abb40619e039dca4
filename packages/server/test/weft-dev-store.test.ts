import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteStore } from "@weft/checkpoint-sqlite";
import { listFeedback } from "@weft/evals";
import { SqliteEvalStore } from "@weft/evals/sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WeftClient } from "../src/client.ts";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
let dir: string;
let server: ServerProcess | undefined;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-dev-store-"));
	server = await startWeft([
		"--db",
		join(dir, "weft.db"),
		"dev",
		"--graph",
		`review=${graphs}#review`,
		"--port",
		"0",
	]);
}, 60_000);
afterAll(async () => {
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
});

describe("weft dev serves a store and feedback beside its checkpoints", () => {
	it("keeps client.store items and HTTP feedback in the --db file", async () => {
		const client = new Client({ apiUrl: server!.url });
		await client.store.putItem(["users", "ada"], "tea", { kind: "green" });
		const thread = await client.threads.create();
		await client.runs.wait(thread.thread_id, "review", {
			input: { topic: "x" },
		});
		await new WeftClient({ apiUrl: server!.url }).feedback.create(
			thread.thread_id,
			{ score: 5, label: "great", by: "ada" },
		);
		expect(await server!.stop()).toBe(0);
		server = undefined;
		const store = new SqliteStore({ path: join(dir, "weft.db") });
		expect((await store.get(["users", "ada"], "tea"))?.value).toEqual({
			kind: "green",
		});
		await store.close();
		const evals = new SqliteEvalStore({ path: join(dir, "weft.db") });
		expect(
			await listFeedback(evals, { threadId: thread.thread_id }),
		).toMatchObject([{ score: 5, label: "great", by: "ada" }]);
		await evals.close();
	});
});
