import { Client } from "@langchain/langgraph-sdk";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearerTokens, serve } from "../src/index.ts";
import { review, slow } from "./fixtures/graphs.ts";

let server: Awaited<ReturnType<typeof serve>>;
let url: string;
const as = (token?: string) =>
	new Client({
		apiUrl: url,
		defaultHeaders:
			token === undefined ? {} : { Authorization: `Bearer ${token}` },
		callerOptions: { maxRetries: 0 },
	});
let ada: Client;
let bob: Client;
let adaThread: string;
let adaRun: string;
const checkpointer = new MemoryCheckpointer();

beforeAll(async () => {
	server = await serve({
		graphs: { review, slow },
		checkpointer,
		port: 0,
		authenticate: bearerTokens(["ada:secret-a", "bob:secret-b"]),
	});
	url = `http://127.0.0.1:${server.port}`;
	ada = as("secret-a");
	bob = as("secret-b");
	adaThread = (await ada.threads.create({ metadata: { team: "x" } })).thread_id;
	await ada.runs.wait(adaThread, "review", { input: { topic: "mine" } });
	adaRun = (await ada.runs.list(adaThread))[0]!.run_id;
});
afterAll(() => server.close());

const notFound = { status: 404 };

describe("authentication and ownership", () => {
	it("refuses requests without a token or with a wrong one (401), but answers /ok", async () => {
		await expect(as().assistants.search()).rejects.toMatchObject({
			status: 401,
		});
		await expect(as("nope").threads.search()).rejects.toMatchObject({
			status: 401,
		});
		const r = await fetch(`${url}/threads/search`, {
			method: "POST",
			body: "{}",
		});
		expect(await r.json()).toMatchObject({ code: "UNAUTHENTICATED" });
		expect((await fetch(`${url}/ok`)).status).toBe(200);
	});

	it("assistants: every authenticated caller sees the registered graphs", async () => {
		expect((await bob.assistants.search()).length).toBe(2);
		expect((await bob.assistants.get("review")).graph_id).toBe("review");
	});

	it("threads: another owner can neither read, list, patch, fork nor delete them", async () => {
		await expect(bob.threads.get(adaThread)).rejects.toMatchObject(notFound);
		await expect(bob.threads.getState(adaThread)).rejects.toMatchObject(
			notFound,
		);
		await expect(bob.threads.getHistory(adaThread)).rejects.toMatchObject(
			notFound,
		);
		await expect(
			bob.threads.update(adaThread, { metadata: { a: 1 } }),
		).rejects.toMatchObject(notFound);
		await expect(
			bob.threads.updateState(adaThread, { values: { topic: "x" } }),
		).rejects.toMatchObject(notFound);
		await expect(bob.threads.delete(adaThread)).rejects.toMatchObject(notFound);
		expect(await bob.threads.search({ metadata: { team: "x" } })).toEqual([]);
		expect(
			(await ada.threads.search({ metadata: { team: "x" } })).map(
				(t) => t.thread_id,
			),
		).toEqual([adaThread]);
		await expect(
			bob.threads.create({ threadId: adaThread }),
		).rejects.toMatchObject({ status: 409 });
	});

	it("threads the library made on the store (no owner) are neither read, listed nor counted by a caller with an identity (decision 0236)", async () => {
		await review
			.withCheckpointer(checkpointer)
			.invoke({ topic: "script" }, { threadId: "lib-made" });
		for (const caller of [ada, bob]) {
			await expect(caller.threads.get("lib-made")).rejects.toMatchObject(
				notFound,
			);
			const listed = await caller.threads.search({ limit: 1000 });
			expect(listed.map((t) => t.thread_id)).not.toContain("lib-made");
			expect(await caller.threads.count()).toBe(listed.length);
			expect(await caller.threads.search({ ids: ["lib-made"] })).toEqual([]);
		}
	});

	it("runs: another owner can neither start, resume, stream, join, list, read nor cancel them", async () => {
		await expect(
			bob.runs.create(adaThread, "review", { command: { resume: "no" } }),
		).rejects.toMatchObject(notFound);
		await expect(
			bob.runs.wait(adaThread, "review", { input: {} }),
		).rejects.toMatchObject(notFound);
		await expect(bob.runs.list(adaThread)).rejects.toMatchObject(notFound);
		await expect(bob.runs.get(adaThread, adaRun)).rejects.toMatchObject(
			notFound,
		);
		await expect(bob.runs.join(adaThread, adaRun)).rejects.toMatchObject(
			notFound,
		);
		await expect(bob.runs.cancel(adaThread, adaRun)).rejects.toMatchObject(
			notFound,
		);
		await expect(bob.runs.delete(adaThread, adaRun)).rejects.toMatchObject(
			notFound,
		);
		const stream = await fetch(
			`${url}/threads/${adaThread}/runs/${adaRun}/stream`,
			{
				headers: { Authorization: "Bearer secret-b" },
			},
		);
		expect(stream.status).toBe(404);
		// the stateless join route (runs.joinStream(null, runId)) checks the owner too
		const stateless = await fetch(`${url}/runs/${adaRun}/stream`, {
			headers: { Authorization: "Bearer secret-b" },
		});
		expect(stateless.status).toBe(404);
		const own = await fetch(`${url}/runs/${adaRun}/stream`, {
			headers: { Authorization: "Bearer secret-a" },
		});
		expect(own.status).toBe(200);
		await own.body?.cancel();
		const done = (await ada.runs.wait(adaThread, "review", {
			command: { resume: "yes" },
		})) as any;
		expect(done.approved).toBe(true);
	});
});
