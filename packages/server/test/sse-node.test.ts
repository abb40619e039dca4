import { MemoryCheckpointer } from "@weft/checkpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, serve } from "../src/index.ts";
import { review, slow } from "./fixtures/graphs.ts";

// On Node, a run's SSE stream is written straight to the response: the same headers and frames as Hono's
// `streamSSE` (the path `app.request` still takes), and a client that leaves is noticed.
let server: Awaited<ReturnType<typeof serve>>;
let url: string;
beforeAll(async () => {
	server = await serve({
		graphs: { review, slow },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
	});
	url = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

const newThread = async (base: string, request = fetch) =>
	(
		(await (
			await request(`${base}/threads`, { method: "POST", body: "{}" })
		).json()) as { thread_id: string }
	).thread_id;

const streamBody = (graph: string, input: unknown) => ({
	method: "POST",
	headers: { "content-type": "application/json" },
	body: JSON.stringify({
		assistant_id: graph,
		input,
		stream_mode: ["updates"],
	}),
});

/** The frames of an SSE body: [event, data, id] each. */
const frames = (text: string) =>
	text
		.split("\n\n")
		.filter((f) => f !== "")
		.map((f) => {
			const lines = f.split("\n");
			return [
				lines[0]!.replace("event: ", ""),
				JSON.parse(lines[1]!.replace("data: ", "")),
				lines[2]!.replace("id: ", ""),
			];
		});

describe("run streams on Node", () => {
	it("send Hono's SSE headers and frames, with the run's Location", async () => {
		const thread = await newThread(url);
		const r = await fetch(
			`${url}/threads/${thread}/runs/stream`,
			streamBody("review", { topic: "tea" }),
		);
		expect(r.status).toBe(200);
		expect(r.headers.get("content-type")).toBe("text/event-stream");
		expect(r.headers.get("cache-control")).toBe("no-cache");
		expect(r.headers.get("location")).toMatch(
			new RegExp(`^/threads/${thread}/runs/[^/]+/stream$`),
		);
		expect(r.headers.get("content-location")).toMatch(
			new RegExp(`^/threads/${thread}/runs/`),
		);
		const got = frames(await r.text());
		expect(got.map(([event, , id]) => [event, id])).toEqual([
			["metadata", "1"],
			["updates", "2"],
			["updates", "3"],
		]);
		expect(got[1]![1]).toEqual({ plan: { notes: ["plan tea"] } });
		// the same bytes through Hono's web stream (no Node response under app.request)
		const { app, close } = createApp({
			graphs: { review },
			checkpointer: new MemoryCheckpointer(),
		});
		const request = (path: string, init?: RequestInit) =>
			app.request(path.replace("http://app", ""), init);
		const other = await newThread("http://app", request as typeof fetch);
		const viaHono = await request(
			`/threads/${other}/runs/stream`,
			streamBody("review", { topic: "tea" }),
		);
		expect(viaHono.headers.get("content-type")).toBe("text/event-stream");
		const honoFrames = frames(await viaHono.text());
		// the same frames (interrupt ids differ: another thread)
		const shape = (f: unknown[][]) =>
			f.map(([event, data, id]) => [event, id, Object.keys(data as object)]);
		expect(shape(honoFrames)).toEqual(shape(got));
		await close();
	});

	it("a client that leaves a run with on_disconnect cancel cancels it", async () => {
		const thread = await newThread(url);
		const leave = new AbortController();
		const r = await fetch(`${url}/threads/${thread}/runs/stream`, {
			...streamBody("slow", { ms: 20_000 }),
			body: JSON.stringify({
				assistant_id: "slow",
				input: { ms: 20_000 },
				on_disconnect: "cancel",
			}),
			signal: leave.signal,
		});
		const runId = r.headers.get("location")!.split("/")[4]!;
		const reader = r.body!.getReader();
		await reader.read(); // the first frame came: the run is on
		leave.abort();
		let status = "";
		for (let i = 0; i < 200 && status !== "cancelled"; i++) {
			await new Promise((done) => setTimeout(done, 25));
			status = (
				(await (
					await fetch(`${url}/threads/${thread}/runs/${runId}`)
				).json()) as { status: string }
			).status;
		}
		expect(status).toBe("cancelled");
	});
});
