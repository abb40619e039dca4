// A run's stream is resumed through its `Location` (`GET …/runs/:run_id/stream` with `Last-Event-ID`), as
// the SDK's `runs.stream` does by itself when its connection drops: it gets every event once, in order, and
// the run is not started again. `POST …/runs/stream` makes a new run, so a `Last-Event-ID` sent with it
// (a client that re-sends the POST it lost, as a generic SSE client does) names another run's event: the
// new run streams from its start, as LangGraph's server does (decision 0248).
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { steps } from "./fixtures/worker-graphs.ts";

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let checkpointer: SqliteCheckpointer;
let url: string;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-stream-reconnect-"));
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	server = await serve({ graphs: { steps }, checkpointer, port: 0 });
	url = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
	await server.close();
	checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

interface Part {
	event: string;
	data: any;
	id?: string | undefined;
}

/** The SSE events of a response body, with their ids. */
async function sse(res: Response): Promise<Part[]> {
	const text = await res.text();
	return text
		.split("\n\n")
		.filter((block) => /^event: /m.test(block))
		.map((block) => {
			const lines = block.split("\n");
			const field = (name: string) =>
				lines
					.find((l) => l.startsWith(`${name}:`))
					?.slice(name.length + 1)
					.trim();
			return {
				event: field("event")!,
				data: JSON.parse(field("data") ?? "null"),
				id: field("id"),
			};
		});
}

/**
 * A TCP proxy to the server that cuts the first connection whose request starts with `cutRequest` once
 * the server has sent it `cutAfter` (a text the response holds): a dropped connection mid-stream.
 */
function cuttingProxy(
	target: number,
	cutRequest: string,
	cutAfter: string,
): Promise<{
	url: string;
	cuts(): number;
	/** The first line and the Last-Event-ID of each request that went through. */
	requests: string[];
	close(): Promise<void>;
}> {
	let cuts = 0;
	const requests: string[] = [];
	const sockets = new Set<Socket>();
	const proxy: Server = createServer((down) => {
		const up = connect(target, "127.0.0.1");
		sockets.add(down).add(up);
		let response = "";
		let cutting = false;
		// a kept-alive connection carries several requests: each is told by its request line
		down.on("data", (chunk) => {
			const text = chunk.toString();
			for (const m of text.matchAll(/^([A-Z]+ \S+) HTTP\/1\.1\r\n/gm)) {
				const last = /^last-event-id: *(.*)$/im.exec(text)?.[1]?.trim();
				requests.push(`${m[1]}${last === undefined ? "" : ` after ${last}`}`);
				if (cuts === 0 && m[1]!.startsWith(cutRequest)) cutting = true;
			}
			up.write(chunk);
		});
		up.on("data", (chunk) => {
			if (!cutting) return void down.write(chunk);
			response += chunk.toString();
			if (response.includes(cutAfter)) {
				cuts++;
				cutting = false;
				// what came before the cut reaches the client, then the connection is gone
				down.end(chunk);
				down.destroy();
				up.destroy();
				return;
			}
			down.write(chunk);
		});
		const close = () => {
			down.destroy();
			up.destroy();
		};
		down.on("error", close).on("close", close);
		up.on("error", close).on("close", close);
	});
	return new Promise((resolve) =>
		proxy.listen(0, "127.0.0.1", () => {
			const port = (proxy.address() as { port: number }).port;
			resolve({
				url: `http://127.0.0.1:${port}`,
				cuts: () => cuts,
				requests,
				close: () =>
					new Promise<void>((done) => {
						for (const s of sockets) s.destroy();
						proxy.close(() => done());
					}),
			});
		}),
	);
}

describe("resuming a run's stream", () => {
	it("runs.stream whose connection drops reconnects through Location with Last-Event-ID: every event once, one run", async () => {
		const proxy = await cuttingProxy(server.port, "POST /threads/", '"i":2');
		try {
			const client = new Client({
				apiUrl: proxy.url,
				callerOptions: { maxRetries: 0 },
			});
			const thread = await client.threads.create();
			const got: Part[] = [];
			for await (const p of client.runs.stream(thread.thread_id, "steps", {
				input: { n: 5 },
				streamMode: ["values"],
			}))
				got.push(p as Part);
			expect(proxy.cuts()).toBe(1);
			const runs = await client.runs.list(thread.thread_id);
			expect(runs).toHaveLength(1);
			const streamed = proxy.requests.filter((r) => r.includes("/stream"));
			expect(streamed).toHaveLength(2);
			expect(streamed[0]).toMatch(/^POST \/threads\/[^/]+\/runs\/stream$/);
			// the SDK reconnects to the run's stream after the last event it got before the cut
			expect(streamed[1]).toMatch(
				new RegExp(
					`^GET /threads/${thread.thread_id}/runs/${runs[0]!.run_id}/stream after \\d+$`,
				),
			);
			const all: Part[] = [];
			for await (const p of client.runs.joinStream(
				thread.thread_id,
				runs[0]!.run_id,
				{ streamMode: ["values"] },
			))
				all.push(p as Part);
			expect(got.map((p) => [p.event, p.data])).toEqual(
				all.map((p) => [p.event, p.data]),
			);
			expect(got.at(-1)!.data).toEqual({ i: 5, n: 5 });
		} finally {
			await proxy.close();
		}
	}, 60_000);

	for (const path of ["/threads/:thread/runs/stream", "/runs/stream"])
		it(`POST ${path} with a Last-Event-ID streams the new run from its start`, async () => {
			const thread = (await (
				await fetch(`${url}/threads`, {
					method: "POST",
					headers: { "content-type": "application/json" },
					body: "{}",
				})
			).json()) as { thread_id: string };
			const res = await fetch(
				`${url}${path.replace(":thread", thread.thread_id)}`,
				{
					method: "POST",
					headers: {
						"content-type": "application/json",
						"Last-Event-ID": "3",
					},
					body: JSON.stringify({
						assistant_id: "steps",
						input: { n: 3 },
						stream_mode: ["values"],
					}),
				},
			);
			expect(res.status).toBe(200);
			const parts = await sse(res);
			expect(parts[0]!.event).toBe("metadata");
			expect(
				parts.filter((p) => p.event === "values").map((p) => p.data),
			).toEqual([
				{ i: 0, n: 3 },
				{ i: 1, n: 3 },
				{ i: 2, n: 3 },
				{ i: 3, n: 3 },
			]);
		}, 30_000);
});
