// Every route's query parameters are checked (decision 0161): a boolean is true/false (or 1/0), a number
// a whole number in range, an enum a known value; anything else is 422 VALIDATION_FAILED naming the
// parameter and what to pass. Before, `xray=banana` drew the subgraphs, `recurse`/`subgraphs` took any
// value, `limit=abc` listed a default page and `limit=1e2` a hundred.
import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer, MemoryStore } from "@weft/checkpoint";
import { MemoryEvalStore } from "@weft/evals";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { openApiDocument } from "../src/openapi.ts";
import { abc, nested } from "./fixtures/audit-graphs.ts";

let server: Awaited<ReturnType<typeof serve>>;
let url: string;
let client: Client;
let T: string;
let R: string;

beforeAll(async () => {
	server = await serve({
		graphs: { abc, nested },
		checkpointer: new MemoryCheckpointer(),
		store: new MemoryStore(),
		feedback: new MemoryEvalStore(),
		port: 0,
	});
	url = `http://127.0.0.1:${server.port}`;
	client = new Client({ apiUrl: url, callerOptions: { maxRetries: 0 } });
	T = (await client.threads.create()).thread_id;
	const run = await client.runs.create(T, "nested", { input: { n: 1 } });
	R = run.run_id;
	await client.runs.join(T, R);
});
afterAll(() => server.close());

type Case = [method: "GET" | "POST", path: string, query: string];
const CK = "1f0a0000-0000-6000-8000-000000000000";
/** Each bad value, by route; `T` and `R` stand for a thread and a run of it. */
const BAD: Case[] = [
	["GET", "/assistants/nested/graph", "xray=banana"],
	["GET", "/assistants/nested/graph", "xray=True"],
	["GET", "/assistants/nested/graph", "xray=-1"],
	["GET", "/assistants/nested/graph", "xray=1.5"],
	["GET", "/assistants/nested/graph", "xray="],
	["GET", "/assistants/nested/subgraphs", "recurse=maybe"],
	["GET", "/assistants/nested/subgraphs/inner", "recurse=yes"],
	["GET", "/threads/T/state", "subgraphs=maybe"],
	["GET", `/threads/T/state/${CK}`, "subgraphs=2"],
	["GET", "/threads/T/runs", "limit=0"],
	["GET", "/threads/T/runs", "limit=1001"],
	["GET", "/threads/T/runs", "limit=abc"],
	["GET", "/threads/T/runs", "limit=1e2"],
	["GET", "/threads/T/runs", "limit=Infinity"],
	["GET", "/threads/T/runs", "limit="],
	["GET", "/threads/T/runs", "offset=-1"],
	["GET", "/threads/T/runs", "offset=0.5"],
	["GET", "/threads/T/runs", "status=done"],
	["GET", "/threads/T/runs", "select=run_id,colour"],
	["POST", "/threads/T/runs/R/cancel", "wait=maybe"],
	["POST", "/threads/T/runs/R/cancel", "action=stop"],
	["GET", "/threads/T/runs/R/stream", "cancel_on_disconnect=yes"],
	["GET", "/runs/R/stream", "cancel_on_disconnect=2"],
	["GET", "/threads/T/runs/R/stream", "stream_mode=values&stream_mode=colours"],
	["GET", "/runs/R/stream", 'stream_mode=["values","x"]'],
	["GET", "/threads/T/feedback", "limit=0"],
	["GET", "/threads/T/feedback", "limit=ten"],
	["GET", "/store/items", "namespace=a&key="],
	["GET", "/store/items", "namespace=a"],
	["GET", "/store/items", "namespace=a&key=k&refresh_ttl=maybe"],
	["GET", "/studio/api/threads", "limit=500"],
	["GET", "/studio/api/threads", "offset=x"],
	["GET", "/studio/api/threads/T/tree", "limit=0"],
];

const at = (path: string) =>
	path
		.replace("/T/", `/${T}/`)
		.replace(/\/T$/, `/${T}`)
		.replace("/R/", `/${R}/`);
/** The parameter a case is refused for: the last one given (`key` when it is missing). */
const paramOf = (query: string) =>
	query === "namespace=a"
		? "key"
		: [...new URLSearchParams(query).keys()].pop()!;

describe("query parameters over HTTP", () => {
	it.each(BAD)(
		"%s %s?%s is 422 VALIDATION_FAILED naming the parameter",
		async (method, path, q) => {
			const res = await fetch(`${url}${at(path)}?${q}`, { method });
			const body = (await res.json()) as {
				detail: string;
				code: string;
				hint: string;
			};
			expect(res.status).toBe(422);
			expect(body.code).toBe("VALIDATION_FAILED");
			const name = paramOf(q);
			expect(body.detail).toContain(`query parameter "${name}"`);
			expect(body.hint).toMatch(new RegExp(`^${name}: pass `));
		},
	);

	it("says what was given and what to pass", async () => {
		const res = await fetch(`${url}/assistants/nested/graph?xray=banana`);
		expect(await res.json()).toEqual({
			detail:
				'query parameter "xray" is "banana": pass true, false or a depth (a whole number)',
			code: "VALIDATION_FAILED",
			hint: "xray: pass true, false or a depth (a whole number); /openapi.json lists each route's query parameters",
		});
		const limit = await fetch(`${url}/threads/${T}/runs?limit=1e2`);
		expect(((await limit.json()) as { detail: string }).detail).toBe(
			'query parameter "limit" is "1e2": pass a whole number from 1 to 1000',
		);
		const key = await fetch(`${url}/store/items?namespace=a`);
		expect(((await key.json()) as { detail: string }).detail).toBe(
			`query parameter "key" is missing: pass the item's key (?namespace=a.b&key=k)`,
		);
	});

	it("reads true/false, 1/0 and a depth for xray; ignores parameters no route reads", async () => {
		const ids = async (q: string) => {
			const res = await fetch(`${url}/assistants/nested/graph?${q}`);
			expect(res.status).toBe(200);
			return ((await res.json()) as { nodes: { id: string }[] }).nodes.map(
				(n) => n.id,
			);
		};
		const flat = await ids("");
		const drawn = await ids("xray=true");
		expect(drawn).not.toEqual(flat);
		for (const q of ["xray=false", "xray=0", "xray_typo=banana"])
			expect(await ids(q)).toEqual(flat);
		for (const q of ["xray=1", "xray=2"]) expect(await ids(q)).toEqual(drawn);
		for (const q of ["recurse=true", "recurse=false", "recurse=1"])
			expect(
				(await fetch(`${url}/assistants/nested/subgraphs?${q}`)).status,
			).toBe(200);
		const page = await fetch(
			`${url}/threads/${T}/runs?limit=1000&offset=0&status=success&select=run_id,status`,
		);
		expect(await page.json()).toEqual([{ run_id: R, status: "success" }]);
	});

	it("declares in /openapi.json each parameter it checks", () => {
		const paths = openApiDocument().paths as Record<
			string,
			Record<string, { parameters?: { name: string; in: string }[] }>
		>;
		const template = (path: string) =>
			path
				.replace(/^\/assistants\/nested/, "/assistants/{assistant_id}")
				.replace("/subgraphs/inner", "/subgraphs/{namespace}")
				.replace(CK, "{checkpoint_id}")
				.replace("/threads/T", "/threads/{thread_id}")
				.replace("/runs/R", "/runs/{run_id}");
		for (const [method, path, q] of BAD.filter(
			([, p]) => !p.startsWith("/studio"),
		)) {
			const op = paths[template(path)]?.[method.toLowerCase()];
			const names = (op?.parameters ?? [])
				.filter((p) => p.in === "query")
				.map((p) => p.name);
			for (const [name] of new URLSearchParams(q))
				expect(names, `${method} ${path}`).toContain(name);
		}
	});
});

describe("the official SDK's own calls", () => {
	it("pass the checks: booleans, depths, numbers, enums and arrays as the SDK encodes them", async () => {
		expect(
			(await client.assistants.getGraph("nested", { xray: true })).nodes.map(
				(n) => n.id,
			),
		).toEqual(
			(await client.assistants.getGraph("nested", { xray: 1 })).nodes.map(
				(n) => n.id,
			),
		);
		await client.assistants.getGraph("nested", { xray: false });
		expect(
			Object.keys(
				await client.assistants.getSubgraphs("nested", { recurse: true }),
			),
		).toEqual(["inner"]);
		await client.assistants.getSubgraphs("nested", {
			namespace: "inner",
			recurse: false,
		});
		const state = await client.threads.getState(T, undefined, {
			subgraphs: true,
		});
		await client.threads.getState(T, state.checkpoint.checkpoint_id!, {
			subgraphs: false,
		});
		expect(
			await client.runs.list(T, {
				limit: 5,
				offset: 0,
				status: "success",
				select: ["run_id", "status"],
			}),
		).toEqual([{ run_id: R, status: "success" }]);
		const events: string[] = [];
		for await (const part of client.runs.joinStream(T, R, {
			cancelOnDisconnect: false,
			streamMode: ["values"],
		}))
			events.push(part.event);
		expect(events).toContain("values");
		await client.runs.cancel(T, R, true, "interrupt").catch((e: unknown) => {
			// an ended run may be refused as such, never for its query
			expect(e).not.toMatchObject({ status: 422 });
		});
		await client.store.putItem(["a", "b"], "k", { v: 1 });
		expect(
			(await client.store.getItem(["a", "b"], "k", { refreshTtl: true }))
				?.value,
		).toEqual({ v: 1 });
	});
});
