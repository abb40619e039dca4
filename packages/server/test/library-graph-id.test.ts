// A thread made on the server's store without it (`weft run`, a script's `graph.invoke`) is listed and read
// with the graph it was run with, when its newest checkpoint says which (decision 0241): a UI listing an
// assistant's threads (`threads.search({ metadata: { graph_id } })`) finds it. Before, such a thread had
// metadata {} and no graph_id (decision 0236), and the search missed it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, describe, expect, it } from "vitest";
import { weft } from "../../cli/test/run-cli.ts";
import { openSqliteRecords, serve } from "../src/index.ts";
import { fails, review } from "./fixtures/graphs.ts";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-library-graph-id-"));
const closers: Array<() => Promise<void> | void> = [];
afterAll(async () => {
	for (const close of closers.reverse()) await close();
	rmSync(dir, { recursive: true, force: true });
}, 30_000);

const clientOf = (url: string) =>
	new Client({ apiUrl: url, callerOptions: { maxRetries: 0 } });
const ids = (threads: ReadonlyArray<{ thread_id: string }>) =>
	threads.map((t) => t.thread_id).sort();

describe("a store-made thread carries the graph its checkpoints record", () => {
	it("a script's graph_id naming a registered graph, or a module the server matches; else none", async () => {
		const path = join(dir, "library.db");
		const checkpointer = new SqliteCheckpointer({ path });
		const records = await openSqliteRecords(path);
		const server = await serve({
			graphs: { review, fails },
			checkpointer,
			records,
			port: 0,
			graphOfModule: (recorded) =>
				recorded === "/app/review.ts#review" ? "review" : undefined,
		});
		const library = new SqliteCheckpointer({ path });
		closers.push(async () => {
			await server.close();
			await records.close();
			library.close();
			checkpointer.close();
		});
		const graph = review.withCheckpointer(library);
		const run = (threadId: string, metadata?: Record<string, string>) =>
			graph.invoke({ topic: threadId }, { threadId, metadata });
		await run("by-id", { graph_id: "review" });
		await run("by-module", { graph: "/app/review.ts#review" });
		// a module no served graph is, with a registered graph_id: the graph_id says
		await run("module-then-id", {
			graph: "/elsewhere.ts#x",
			graph_id: "review",
		});
		await run("unregistered", { graph_id: "gone" });
		await run("plain");
		const client = clientOf(`http://127.0.0.1:${server.port}`);
		const named = await client.threads.search({
			metadata: { graph_id: "review" },
		});
		expect(ids(named)).toEqual(["by-id", "by-module", "module-then-id"]);
		expect(
			await client.threads.count({ metadata: { graph_id: "review" } }),
		).toBe(3);
		expect(named[0]!.metadata).toEqual({
			graph_id: "review",
			assistant_id: expect.any(String),
		});
		// the agent-chat-ui way: by assistant_id
		const assistant = named[0]!.metadata!.assistant_id as string;
		expect(
			ids(
				await client.threads.search({ metadata: { assistant_id: assistant } }),
			),
		).toEqual(["by-id", "by-module", "module-then-id"]);
		// listed without a filter too, with the same metadata
		const all = await client.threads.search({ limit: 100 });
		const listed = all.find((t) => t.thread_id === "by-module")!;
		expect(listed.metadata).toMatchObject({ graph_id: "review" });
		expect(all.find((t) => t.thread_id === "plain")!.metadata).toEqual({});
		expect(all.find((t) => t.thread_id === "unregistered")!.metadata).toEqual(
			{},
		);
		// threads.get reports it (and keeps that record: the listing is unchanged)
		expect(await client.threads.get("by-module")).toEqual(listed);
		expect((await client.threads.get("plain")).metadata).toEqual({});
		expect(
			ids(await client.threads.search({ metadata: { graph_id: "review" } })),
		).toEqual(["by-id", "by-module", "module-then-id"]);
	}, 60_000);

	it("a thread weft run made on weft dev's file is found by the graph_id of the served graph of its module", async () => {
		const db = join(dir, "cli.db");
		const quick = "examples/src/quickstart.ts";
		const ran = await weft([
			"--db",
			db,
			"run",
			quick,
			"--thread",
			"from-cli",
			"--input",
			'{"topic":"cli"}',
		]);
		expect(ran.code, ran.stderr).toBe(0);
		const server: ServerProcess = await startWeft([
			"--db",
			db,
			"dev",
			"--graph",
			`quick=${quick}#graph`,
			"--graph",
			"approval=examples/src/human-approval.ts#graph",
			"--port",
			"0",
		]);
		closers.push(() => server.stop().then(() => undefined));
		const client = clientOf(server.url);
		expect(
			ids(await client.threads.search({ metadata: { graph_id: "quick" } })),
		).toEqual(["from-cli"]);
		expect(
			await client.threads.search({ metadata: { graph_id: "approval" } }),
		).toEqual([]);
		const got = await client.threads.get("from-cli");
		expect(got.metadata).toMatchObject({ graph_id: "quick" });
		expect(got.values).toMatchObject({ topic: "cli" });
	}, 120_000);
});
