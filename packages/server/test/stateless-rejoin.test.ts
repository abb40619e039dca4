// A stateless streamed run (`runs.stream(null, …)`) whose connection drops just before the run ends: the
// SDK reconnects through `Location` with `Last-Event-ID` once the run has ended, and gets the remaining
// events once each, because the run's thread, record and events stay for `STATELESS_REJOIN_MS` after its
// end (decision 0254); then they are deleted as before.
import { mkdtempSync, rmSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@langchain/langgraph-sdk";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { serve } from "../src/index.ts";
import { STATELESS_REJOIN_MS } from "../src/thread-expiry.ts";
import { steps } from "./fixtures/worker-graphs.ts";

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let checkpointer: SqliteCheckpointer;
let url: string;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-stateless-rejoin-"));
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	server = await serve({ graphs: { steps }, checkpointer, port: 0 });
	url = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
	vi.useRealTimers();
	await server.close();
	checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the run (straight to the server) until it has ended, or is gone (its thread deleted). */
async function ended(path: string): Promise<void> {
	for (let i = 0; i < 400; i++) {
		const res = await fetch(`${url}${path}`);
		if (res.status === 404) return;
		const run = (await res.json()) as { status: string };
		if (run.status !== "pending" && run.status !== "running") return;
		await sleep(25);
	}
}

/**
 * A TCP proxy to the server. The first `POST /runs/stream` response is cut once `cutAfter` has gone
 * through: the server's side is closed at once (the client left), the client's side only once the run
 * has ended, so the client reconnects to a run that is over.
 */
function cuttingProxy(cutAfter: string) {
	const requests: string[] = [];
	const sockets = new Set<Socket>();
	let cut = false;
	const proxy = createServer((down) => {
		const up = connect(server.port, "127.0.0.1");
		sockets.add(down).add(up);
		let cutting = false;
		let response = "";
		down.on("data", (chunk) => {
			const text = chunk.toString();
			for (const m of text.matchAll(/^([A-Z]+ \S+) HTTP\/1\.1\r\n/gm)) {
				const last = /^last-event-id: *(.*)$/im.exec(text)?.[1]?.trim();
				requests.push(`${m[1]}${last === undefined ? "" : ` after ${last}`}`);
				if (!cut && m[1] === "POST /runs/stream") cutting = true;
			}
			up.write(chunk);
		});
		up.on("data", (chunk) => {
			down.write(chunk);
			if (!cutting) return;
			response += chunk.toString();
			if (!response.includes(cutAfter)) return;
			cutting = false;
			cut = true;
			const location = /^location: *(\S+)/im.exec(response)![1]!;
			up.destroy();
			void ended(location.replace(/\/stream$/, ""))
				// the old server deleted the thread a moment after the run's end
				.then(() => sleep(300))
				.then(() => down.destroy());
		});
		const close = () => {
			down.destroy();
			up.destroy();
		};
		down.on("error", close).on("close", close);
		up.on("error", close);
		up.on("close", () => {
			if (!cutting && !cut) down.destroy();
		});
	});
	return new Promise<{
		url: string;
		requests: string[];
		close(): Promise<void>;
	}>((resolve) =>
		proxy.listen(0, "127.0.0.1", () => {
			const port = (proxy.address() as { port: number }).port;
			resolve({
				url: `http://127.0.0.1:${port}`,
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

describe("a stateless streamed run whose connection drops just before its end", () => {
	it("is joined again through Location after its end: every remaining event once; its thread goes after the window", async () => {
		const proxy = await cuttingProxy('"i":4');
		try {
			const client = new Client({
				apiUrl: proxy.url,
				callerOptions: { maxRetries: 0 },
			});
			let threadId = "";
			let runId = "";
			const got: { event: string; data: any }[] = [];
			for await (const p of client.runs.stream(null, "steps", {
				input: { n: 5 },
				streamMode: ["values", "updates"],
				onRunCreated: (m) => {
					threadId = m.thread_id ?? "";
					runId = m.run_id;
				},
			}))
				got.push(p as { event: string; data: any });
			const streamed = proxy.requests.filter((r) => r.includes("/stream"));
			expect(streamed).toHaveLength(2);
			expect(streamed[1]).toMatch(
				new RegExp(
					`^GET /threads/${threadId}/runs/${runId}/stream after \\d+$`,
				),
			);
			// the whole stream, read again from its start: what the client got, once each
			const all: { event: string; data: any }[] = [];
			for await (const p of client.runs.joinStream(null, runId))
				all.push(p as { event: string; data: any });
			expect(got).toEqual(all);
			expect(
				got.filter((p) => p.event === "values").map((p) => p.data.i),
			).toEqual([0, 1, 2, 3, 4, 5]);
			expect((await client.runs.get(threadId, runId)).status).toBe("success");

			// the window passes: the sweep deletes the thread, its run and events
			vi.useFakeTimers({ toFake: ["Date"] });
			vi.setSystemTime(Date.now() + STATELESS_REJOIN_MS + 60_000);
			for (let i = 0; i < 400; i++) {
				if ((await fetch(`${url}/threads/${threadId}`)).status === 404) break;
				await sleep(25);
			}
			vi.useRealTimers();
			expect((await fetch(`${url}/threads/${threadId}`)).status).toBe(404);
			expect((await fetch(`${url}/runs/${runId}/stream`)).status).toBe(404);
			expect(
				(await checkpointer.listThreads()).map((t) => t.threadId),
			).not.toContain(threadId);
		} finally {
			vi.useRealTimers();
			await proxy.close();
		}
	}, 60_000);
});
