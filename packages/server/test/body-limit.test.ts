import { MemoryCheckpointer } from "@weft/checkpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, serve } from "../src/index.ts";
import { review } from "./fixtures/graphs.ts";

// request bodies are read from Node's request stream (no WHATWG Request built) when their length is
// known; a chunked body goes through Hono's counting middleware: both are limited and read alike
let server: Awaited<ReturnType<typeof serve>>;
let url: string;
beforeAll(async () => {
	server = await serve({
		graphs: { review },
		checkpointer: new MemoryCheckpointer(),
		maxBodyBytes: 1024,
		port: 0,
	});
	url = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

/** A body sent with `Transfer-Encoding: chunked` (no Content-Length), in two chunks. */
const chunked = (text: string) => {
	const bytes = new TextEncoder().encode(text);
	const half = bytes.length >> 1;
	return {
		body: new ReadableStream<Uint8Array>({
			start(c) {
				c.enqueue(bytes.slice(0, half));
				c.enqueue(bytes.slice(half));
				c.close();
			},
		}),
		duplex: "half",
	} as RequestInit;
};

const post = (body: RequestInit) =>
	fetch(`${url}/threads`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		...body,
	});

describe("request bodies", () => {
	it("a body with a Content-Length is read and validated", async () => {
		const r = await post({
			body: JSON.stringify({ metadata: { team: "tea" } }),
		});
		expect(r.status).toBe(200);
		expect(await r.json()).toMatchObject({
			metadata: { team: "tea" },
			status: "idle",
			values: null,
		});
		const bad = await post({ body: "{not json" });
		expect(bad.status).toBe(422);
	});

	it("a chunked body is read too", async () => {
		const r = await post(chunked(JSON.stringify({ metadata: { n: 1 } })));
		expect(r.status).toBe(200);
		expect(await r.json()).toMatchObject({ metadata: { n: 1 } });
	});

	it("a body over maxBodyBytes gets 413, with or without a Content-Length", async () => {
		const big = JSON.stringify({ metadata: { big: "x".repeat(2000) } });
		const known = await post({ body: big });
		expect(known.status).toBe(413);
		expect(await known.json()).toMatchObject({ code: "VALIDATION_FAILED" });
		const unknown = await post(chunked(big));
		expect(unknown.status).toBe(413);
		expect(await unknown.json()).toMatchObject({ code: "VALIDATION_FAILED" });
	});

	it("a body is read as JSON whatever its Content-Type says, or without one, as LangGraph's server reads it (decision 0254)", async () => {
		for (const type of [
			"text/plain",
			"application/x-www-form-urlencoded",
			undefined,
		]) {
			const r = await fetch(`${url}/threads`, {
				method: "POST",
				...(type === undefined ? {} : { headers: { "content-type": type } }),
				body: new TextEncoder().encode(
					JSON.stringify({ metadata: { sent: type ?? "none" } }),
				),
			});
			expect(r.status, type).toBe(200);
			expect(await r.json()).toMatchObject({
				metadata: { sent: type ?? "none" },
			});
			const bad = await fetch(`${url}/threads`, {
				method: "POST",
				...(type === undefined ? {} : { headers: { "content-type": type } }),
				body: new TextEncoder().encode("team=tea"),
			});
			expect(bad.status, type).toBe(422);
			expect(await bad.json()).toMatchObject({ code: "VALIDATION_FAILED" });
		}
	});

	it("without Node's request (app.request), bodies are read through the Request", async () => {
		const { app, close } = createApp({
			graphs: { review },
			checkpointer: new MemoryCheckpointer(),
			maxBodyBytes: 1024,
		});
		const r = await app.request("/threads", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ metadata: { team: "tea" } }),
		});
		expect(r.status).toBe(200);
		expect(await r.json()).toMatchObject({ metadata: { team: "tea" } });
		await close();
	});
});
