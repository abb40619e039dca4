// An error the server did not expect (a bug in it or in a hook the application gave it) is a 500 with the
// code INTERNAL_ERROR: it was NODE_FAILED, which names a graph node that threw, and no node ran.
import { MemoryCheckpointer } from "@weft/checkpoint";
import { afterAll, beforeAll, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { slow } from "./fixtures/graphs.ts";

let server: Awaited<ReturnType<typeof serve>>;

beforeAll(async () => {
	server = await serve({
		graphs: { slow },
		checkpointer: new MemoryCheckpointer(),
		port: 0,
		authenticate: () => {
			throw new TypeError("cannot read the token table");
		},
	});
});
afterAll(() => server.close());

it("an authenticate hook that throws answers 500 INTERNAL_ERROR with its message", async () => {
	const r = await fetch(`http://127.0.0.1:${server.port}/threads/search`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: "{}",
	});
	expect(r.status).toBe(500);
	expect(await r.json()).toMatchObject({
		code: "INTERNAL_ERROR",
		detail: expect.stringContaining("cannot read the token table"),
	});
});
