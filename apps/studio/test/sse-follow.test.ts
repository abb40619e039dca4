import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { serve } from "@weft/server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { follow, type SseEvent } from "../src/sse.ts";
import { assistant } from "./fixtures/assistant.ts";

let dir: string;
let checkpointer: SqliteCheckpointer;
let server: Awaited<ReturnType<typeof serve>>;
let proxy: Server;
let proxyUrl: string;
/** The requests for a run stream that reached the proxy (their head), in order. */
const streamRequests: string[] = [];

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-studio-sse-"));
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	server = await serve({
		graphs: { assistant },
		checkpointer,
		studio: false,
		port: 0,
	});
	// a TCP proxy in front of the server that cuts the first run stream after its first event
	proxy = createServer((client) => {
		const upstream = createConnection({ port: server.port, host: "127.0.0.1" });
		let cut = false;
		client.on("data", (d) => {
			const head = d.toString();
			if (/^GET \S+\/stream /.test(head)) {
				streamRequests.push(head);
				cut = streamRequests.length === 1;
			}
			upstream.write(d);
		});
		upstream.on("data", (d) => {
			client.write(d);
			if (cut && d.toString().includes("id: 1")) {
				client.destroy();
				upstream.destroy();
			}
		});
		client.on("error", () => upstream.destroy());
		upstream.on("error", () => client.destroy());
		client.on("close", () => upstream.destroy());
		upstream.on("close", () => client.destroy());
	});
	await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
	const address = proxy.address();
	proxyUrl = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
});
afterAll(async () => {
	await new Promise((r) => proxy.close(r));
	await server.close();
	await checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

const api = async (path: string, body?: unknown): Promise<any> => {
	const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
		method: body === undefined ? "GET" : "POST",
		headers: { "content-type": "application/json" },
		body: body === undefined ? null : JSON.stringify(body),
	});
	return res.json();
};

it("follows a run's stream across a dropped connection with Last-Event-ID: every event once, in order", async () => {
	const thread = await api("/threads", {});
	const run = await api(`/threads/${thread.thread_id}/runs`, {
		assistant_id: "assistant",
		input: { messages: [{ type: "human", content: "how long?" }] },
		stream_mode: ["values", "updates", "messages-tuple"],
	});
	const events: SseEvent[] = [];
	await follow(
		`${proxyUrl}/threads/${thread.thread_id}/runs/${run.run_id}/stream`,
		(e) => events.push(e),
		{
			signal: new AbortController().signal,
			retryMs: 50,
			more: async () => {
				const r = await api(`/threads/${thread.thread_id}/runs/${run.run_id}`);
				return r.status === "pending" || r.status === "running";
			},
		},
	);
	expect(streamRequests.length).toBeGreaterThanOrEqual(2);
	expect(streamRequests[1]!.toLowerCase()).toMatch(/last-event-id: \d+/);
	expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i + 1));
	expect(
		events
			.filter((e) => e.event === "messages")
			.map((e) => (e.data as any)[0].content)
			.join(""),
	).toBe("Refunds take five days.");
	expect(events.at(-1)!.event).toBe("values");
});
