import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

const fixture = (file: string, name: string) =>
	`${name}=${fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url))}#${name}`;

let dir: string;
let server: ServerProcess;
let client: Client;
beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-coverage-"));
	server = await startWeft([
		"--db",
		join(dir, "weft.db"),
		"dev",
		"--graph",
		fixture("audit-graphs.ts", "abc"),
		"--graph",
		fixture("gate-graphs.ts", "gated"),
		"--port",
		"0",
	]);
	client = new Client({
		apiUrl: server.url,
		callerOptions: { maxRetries: 0 },
	});
}, 60_000);
afterAll(async () => {
	expect(await server?.stop()).toBe(0);
	rmSync(dir, { recursive: true, force: true });
});

/** What a call rejected with: the HTTP status and the error body the SDK puts in its message. */
async function refusal(p: Promise<unknown>) {
	const e = (await p.then(
		() => undefined,
		(error: unknown) => error,
	)) as { status?: number; message?: string } | undefined;
	if (e === undefined) throw new Error("the call succeeded");
	const json = e.message?.slice(e.message.indexOf("{")) ?? "{}";
	return { status: e.status, body: JSON.parse(json) };
}

describe("weft dev: the SDK's methods no other test calls", () => {
	it("a thread answers state_updated_at, which the SDK's Thread type requires (= updated_at)", async () => {
		const T = (await client.threads.create()).thread_id;
		await client.runs.wait(T, "abc", { input: { n: 1 } });
		for (const t of [
			await client.threads.get(T),
			(await client.threads.search({ ids: [T] }))[0]!,
			await client.threads.update(T, { metadata: { a: 1 } }),
			await client.threads.copy(T),
		]) {
			expect(t.state_updated_at).toEqual(expect.any(String));
			expect(t.state_updated_at).toBe(t.updated_at);
		}
	});

	it("runs.createBatch starts a stateless background run per payload; a refused payload starts none", async () => {
		// the SDK sends each payload as given but for assistantId: other options in LangGraph's snake_case
		const runs = await client.runs.createBatch([
			{ assistantId: "abc", input: { n: 1 } },
			{ assistantId: "abc", input: { n: 2 }, on_completion: "keep" } as never,
		]);
		expect(runs).toHaveLength(2);
		for (const r of runs)
			expect(r).toMatchObject({
				run_id: expect.any(String),
				thread_id: expect.any(String),
				assistant_id: expect.any(String),
				status: expect.stringMatching(/pending|running|success/),
			});
		const kept = (await client.runs.join(
			runs[1]!.thread_id,
			runs[1]!.run_id,
		)) as {
			n: number;
		};
		expect(kept.n).toBe(113);
		// the other's thread is dropped when its run ends, as a stateless run's
		const gone = async () =>
			(
				await refusal(client.threads.get(runs[0]!.thread_id)).catch(() => ({
					status: 200,
				}))
			).status === 404;
		const end = Date.now() + 30_000;
		while (!(await gone()) && Date.now() < end)
			await new Promise((r) => setTimeout(r, 50));
		expect(await gone()).toBe(true);
		const before = await client.threads.count();
		const bad = await refusal(
			client.runs.createBatch([
				{ assistantId: "abc", input: { n: 3 } },
				{ assistantId: "nope", input: {} },
			]),
		);
		expect(bad.status).toBe(404);
		expect(bad.body).toMatchObject({
			code: "NOT_FOUND",
			hint: expect.any(String),
		});
		// the refused batch started no run, not even its first payload's
		expect(await client.threads.count()).toBe(before);
	});

	it("what Weft does not support answers a typed 404 that says so (assistants made over HTTP, crons, the thread stream, UI components)", async () => {
		const a = (await client.assistants.search({ graphId: "abc" }))[0]!;
		const T = (await client.threads.create()).thread_id;
		const calls: Array<[string, () => Promise<unknown>]> = [
			["assistants", () => client.assistants.create({ graphId: "abc" })],
			[
				"assistants",
				() => client.assistants.update(a.assistant_id, { metadata: { x: 1 } }),
			],
			["assistants", () => client.assistants.delete(a.assistant_id)],
			[
				"assistant versions",
				() => client.assistants.getVersions(a.assistant_id),
			],
			[
				"assistant versions",
				() => client.assistants.setLatest(a.assistant_id, 1),
			],
			[
				"crons",
				() => client.crons.createForThread(T, "abc", { schedule: "* * * * *" }),
			],
			["crons", () => client.crons.create("abc", { schedule: "* * * * *" })],
			["crons", () => client.crons.update("c", { schedule: "* * * * *" })],
			["crons", () => client.crons.delete("c")],
			["crons", () => client.crons.search()],
			["crons", () => client.crons.count()],
			["thread streams", () => drain(client.threads.joinStream(T))],
			["UI components", () => client["~ui"].getComponent("abc", "card")],
		];
		for (const [what, call] of calls) {
			const { status, body } = await refusal(call());
			expect(status).toBe(404);
			expect(body.code).toBe("NOT_FOUND");
			expect(body.detail).toContain(`${what} are not supported`);
			expect(body.hint).toEqual(expect.any(String));
		}
		// the assistant is unchanged
		expect(await client.assistants.get(a.assistant_id)).toEqual(a);
	});

	it("useStream's flow: a resumable stream of values and messages-tuple left midway (onDisconnect continue) is joined again after the last event seen", async () => {
		const T = (await client.threads.create()).thread_id;
		const gate = join(dir, `gate-${T}`);
		const leave = new AbortController();
		let runId: string | undefined;
		const seen: { id?: string; event: string; data: any }[] = [];
		try {
			for await (const p of client.runs.stream(T, "gated", {
				input: { messages: [{ role: "user", content: "hi" }], gate },
				streamMode: ["values", "messages-tuple"],
				streamResumable: true,
				onDisconnect: "continue",
				onRunCreated: (r) => {
					runId = r.run_id;
				},
				signal: leave.signal,
			})) {
				seen.push(p as never);
				// the agent's answer has reached the state: leave while hold waits at its gate
				if (
					p.event === "values" &&
					(p.data as any).messages?.at(-1)?.content === "hello there"
				)
					leave.abort();
			}
		} catch (error) {
			if (!leave.signal.aborted) throw error;
		}
		expect(runId).toEqual(expect.any(String));
		expect(seen.map((p) => p.event)).toContain("messages");
		const run = await client.runs.get(T, runId!);
		expect(run.status).toBe("running");
		writeFileSync(gate, "");
		const rest: { id?: string; event: string; data: any }[] = [];
		for await (const p of client.runs.joinStream(T, runId!, {
			lastEventId: seen.at(-1)!.id!,
			streamMode: ["values", "messages-tuple"],
		}))
			rest.push(p as never);
		expect(rest.at(-1)!.data.messages.at(-1).content).toBe("through the gate");
		// every event once, in order: what was seen, then the rest, is the whole stream
		const all: { id?: string; event: string }[] = [];
		for await (const p of client.runs.joinStream(T, runId!, {
			lastEventId: "-1",
			streamMode: ["values", "messages-tuple"],
		}))
			all.push(p);
		expect([...seen, ...rest].map((p) => [p.id, p.event])).toEqual(
			all.map((p) => [p.id, p.event]),
		);
		expect((await client.runs.get(T, runId!)).status).toBe("success");
	});
});

async function drain(stream: AsyncIterable<unknown>) {
	for await (const _ of stream);
}
