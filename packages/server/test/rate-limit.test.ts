import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerTokens, serve } from "../src/index.ts";
import { review } from "./fixtures/graphs.ts";

let server: Awaited<ReturnType<typeof serve>>;
let url: string;
const as = (token: string) =>
	new Client({
		apiUrl: url,
		defaultHeaders: { Authorization: `Bearer ${token}` },
		callerOptions: { maxRetries: 0 },
	});

beforeAll(async () => {
	server = await serve({
		graphs: { review },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
		authenticate: bearerTokens(["ada:secret-a", "bob:secret-b"]),
		rateLimit: { requests: 3, windowMs: 3_600_000 },
	});
	url = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

describe("rate limit per caller", () => {
	it("answers 429 RATE_LIMITED with Retry-After past the limit, per identity", async () => {
		const ada = as("secret-a");
		for (let i = 0; i < 3; i++) await ada.assistants.search();
		await expect(ada.assistants.search()).rejects.toMatchObject({
			status: 429,
		});
		const r = await fetch(`${url}/threads/search`, {
			method: "POST",
			headers: { Authorization: "Bearer secret-a" },
			body: "{}",
		});
		expect(r.status).toBe(429);
		expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
		expect(await r.json()).toMatchObject({ code: "RATE_LIMITED" });
		expect((await as("secret-b").assistants.search()).length).toBe(1);
		expect((await fetch(`${url}/ok`)).status).toBe(200);
	});
});
