// Issue 15: a quiet stream or a long runs.wait keeps its connection alive (a proxy between client and
// server drops a connection that stays silent), without the SDK seeing anything but its answer.
import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { END, START, StateGraph } from "@weft/graph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createApp, serve } from "../src/index.ts";
import { slow } from "./fixtures/graphs.ts";

/** Fails after `ms` (a node that gives up). */
const failing = new StateGraph(z.object({ ms: z.number() }))
	.addNode("work", async (s) => {
		await new Promise((r) => setTimeout(r, s.ms));
		throw new Error("the service gave up");
	})
	.addEdge(START, "work")
	.addEdge("work", END)
	.compile({ name: "failing" });

let server: Awaited<ReturnType<typeof serve>>;
let url: string;
let sdk: Client;

beforeAll(async () => {
	server = await serve({
		graphs: { slow, failing },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
		heartbeatMs: 100,
	});
	url = `http://127.0.0.1:${server.port}`;
	sdk = new Client({ apiUrl: url, callerOptions: { maxRetries: 0 } });
});
afterAll(() => server.close());

const post = (path: string, body: unknown) =>
	fetch(`${url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});

describe("heartbeats (heartbeatMs)", () => {
	it("a stream quiet for longer than the interval carries SSE comments between its events", async () => {
		const { thread_id } = await sdk.threads.create();
		const r = await post(`/threads/${thread_id}/runs/stream`, {
			assistant_id: "slow",
			input: { ms: 1500 },
			stream_mode: ["updates"],
		});
		const text = await r.text();
		expect(text).toMatch(/^: heartbeat$/m);
		// the events are whole: without its comment lines, every frame is an event with its data
		const events = text
			.split("\n\n")
			.map((f) =>
				f
					.split("\n")
					.filter((line) => !line.startsWith(":"))
					.join("\n"),
			)
			.filter((f) => f !== "");
		expect(events[0]).toMatch(/^event: metadata\n/);
		expect(events.some((f) => /^event: updates\n/.test(f))).toBe(true);
	});

	it("the SDK's stream sees the events only", async () => {
		const { thread_id } = await sdk.threads.create();
		const seen: string[] = [];
		for await (const part of sdk.runs.stream(thread_id, "slow", {
			input: { ms: 800 },
			streamMode: "updates",
		}))
			seen.push(part.event);
		expect(seen, JSON.stringify(seen)).toEqual(["metadata", "updates"]);
	});

	it("a runs.wait longer than the interval is kept alive with blank lines before its JSON", async () => {
		const { thread_id } = await sdk.threads.create();
		const r = await post(`/threads/${thread_id}/runs/wait`, {
			assistant_id: "slow",
			input: { ms: 1500 },
		});
		expect(r.status).toBe(200);
		expect(r.headers.get("content-type")).toMatch(/^application\/json/);
		expect(r.headers.get("content-location")).toMatch(/\/runs\//);
		const body = await r.text();
		expect(body.startsWith("\n")).toBe(true);
		expect(JSON.parse(body)).toEqual({ ms: 1500, done: true });
		// and through the SDK
		expect(
			await sdk.runs.wait(thread_id, "slow", { input: { ms: 800 } }),
		).toEqual({ ms: 800, done: true });
	});

	it("a wait that ends within the interval is answered as before (its status exact)", async () => {
		const { thread_id } = await sdk.threads.create();
		const r = await post(`/threads/${thread_id}/runs/wait`, {
			assistant_id: "slow",
			input: { ms: 1 },
		});
		expect(r.status).toBe(200);
		expect(await r.text()).toBe('{"ms":1,"done":true}');
		const missing = await post(`/threads/${thread_id}/runs/wait`, {
			assistant_id: "nope",
			input: {},
		});
		expect(missing.status).toBe(404);
	});

	it("a run that fails after the answer began is reported in it as __error__, which the SDK throws", async () => {
		const { thread_id } = await sdk.threads.create();
		const r = await post(`/threads/${thread_id}/runs/wait`, {
			assistant_id: "failing",
			input: { ms: 600 },
		});
		expect(r.status).toBe(200);
		const body = await r.text();
		expect(body.startsWith("\n")).toBe(true);
		expect(JSON.parse(body)).toMatchObject({
			__error__: {
				error: expect.any(String),
				message: expect.stringContaining("gave up"),
			},
		});
		await expect(
			sdk.runs.wait(thread_id, "failing", { input: { ms: 600 } }),
		).rejects.toThrow(/gave up/);
	});

	it("a run cancelled after the answer began answers with what it has", async () => {
		const { thread_id } = await sdk.threads.create();
		const waiting = sdk.runs.wait(thread_id, "slow", { input: { ms: 1500 } });
		await new Promise((r) => setTimeout(r, 400));
		const [run] = await sdk.runs.list(thread_id);
		await sdk.runs.cancel(thread_id, run!.run_id);
		expect(await waiting).toMatchObject({ ms: 1500 });
	});

	it("refuses an interval that is not a duration (CONFIG_INVALID)", () => {
		for (const heartbeatMs of [-1, Number.NaN])
			expect(() =>
				createApp({
					graphs: { slow },
					checkpointer: new MemoryCheckpointer(),
					heartbeatMs,
				}),
			).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
	});
});
