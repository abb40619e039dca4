import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { configureTelemetry } from "@weft/graph";
import { createApp, type WeftApp } from "@weft/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSse, type SseEvent } from "../src/sse.ts";
import { assistant, flaky, slow } from "./fixtures/assistant.ts";

let dir: string;
let checkpointer: SqliteCheckpointer;
let weft: WeftApp;

async function call(path: string, body?: unknown): Promise<any> {
	const res = await weft.app.fetch(
		new Request(`http://studio.test${path}`, {
			method: body === undefined ? "GET" : "POST",
			headers: { "content-type": "application/json" },
			body: body === undefined ? null : JSON.stringify(body),
		}),
	);
	const text = await res.text();
	return text === "" ? null : JSON.parse(text);
}

async function startThread(graph: string, input: unknown) {
	const t = await call("/threads", {});
	const out = await call(`/threads/${t.thread_id}/runs/wait`, {
		assistant_id: graph,
		input,
	});
	return { threadId: t.thread_id as string, out };
}

const ask = {
	messages: [{ type: "human", content: "how long do refunds take?" }],
};

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), "weft-studio-live-"));
	checkpointer = new SqliteCheckpointer({ path: join(dir, "weft.db") });
	weft = createApp({
		graphs: { assistant, slow, flaky },
		checkpointer,
		studio: { dir: join(dir, "dist") },
	});
});
afterAll(async () => {
	configureTelemetry({ recordContent: false });
	await weft.close();
	await checkpointer.close();
	rmSync(dir, { recursive: true, force: true });
});

describe("/studio/api for live views, answer forms and step details", () => {
	it("gives each pending request its human checkpoint's schemas as JSON Schema", async () => {
		const { threadId } = await startThread("assistant", ask);
		const inbox = await call("/studio/api/inbox");
		const row = inbox.find((r: any) => r.thread_id === threadId);
		expect(row.human).toBe("approve");
		expect(row.request_schema).toMatchObject({
			type: "object",
			properties: { toolCalls: { type: "array" } },
		});
		// approve | reject (reason) | edit (args), or a decision by tool call id
		const text = JSON.stringify(row.response_schema);
		for (const word of ['"approve"', '"reject"', '"edit"', '"byId"'])
			expect(text).toContain(word);
		const cp = await call(
			`/studio/api/threads/${threadId}/checkpoints/${row.checkpoint_id}`,
		);
		expect(cp.interrupts[0]).toMatchObject({
			human: "approve",
			response_schema: row.response_schema,
		});
		expect(cp.errors).toEqual([]);
	});

	it("records each model call with the step: model, latency, tokens, cost; content only when asked", async () => {
		configureTelemetry({ recordContent: true });
		const { threadId } = await startThread("assistant", ask);
		const tree = await call(`/studio/api/threads/${threadId}/tree`);
		const agentStep = tree.find((r: any) => r.nodes.includes("agent"));
		const cp = await call(
			`/studio/api/threads/${threadId}/checkpoints/${agentStep.checkpoint_id}`,
		);
		expect(cp.metadata.timing.nodes.agent).toHaveLength(1);
		expect(cp.metadata.usage.byNode.agent).toMatchObject({
			inputTokens: 12,
			outputTokens: 5,
		});
		const [modelCall] = cp.metadata.timing.calls;
		expect(modelCall).toMatchObject({
			node: "agent",
			model: "scripted-talker",
			inputTokens: 12,
			outputTokens: 5,
			costUsd: 0.002,
			cacheHit: false,
			fallback: false,
			response: { type: "ai", content: "Refunds take five days." },
		});
		expect(modelCall.durationMs).toBeGreaterThan(0);
		expect(modelCall.prompt.map((m: any) => m.type)).toEqual([
			"system",
			"human",
		]);

		configureTelemetry({ recordContent: false });
		const quiet = await startThread("assistant", ask);
		const quietTree = await call(`/studio/api/threads/${quiet.threadId}/tree`);
		const step = quietTree.find((r: any) => r.nodes.includes("agent"));
		const quietCp = await call(
			`/studio/api/threads/${quiet.threadId}/checkpoints/${step.checkpoint_id}`,
		);
		expect(quietCp.metadata.timing.calls[0].model).toBe("scripted-talker");
		expect(quietCp.metadata.timing.calls[0].prompt).toBeUndefined();
		expect(quietCp.metadata.timing.calls[0].response).toBeUndefined();
	});

	it("shows a failed step's error with its code and hint at the checkpoint it started from", async () => {
		const { threadId, out } = await startThread("flaky", ask);
		expect(out.__error__.error).toBe("MODEL_UNAVAILABLE");
		const [head] = await call(`/studio/api/threads/${threadId}/tree`);
		const cp = await call(
			`/studio/api/threads/${threadId}/checkpoints/${head.checkpoint_id}`,
		);
		expect(cp.errors).toEqual([
			{
				node: "charge",
				code: "MODEL_UNAVAILABLE",
				message: "the payment provider is down",
				hint: "retry in a minute, or switch the provider",
			},
		]);
	});

	it("streams runs starting and ending on /studio/api/events", async () => {
		const stop = new AbortController();
		const res = await weft.app.fetch(
			new Request("http://studio.test/studio/api/events", {
				signal: stop.signal,
			}),
		);
		const events = readSse(res.body!);
		const next = async (): Promise<SseEvent> => (await events.next()).value!;
		expect((await next()).event).toBe("ready");
		const t = await call("/threads", {});
		const run = await call(`/threads/${t.thread_id}/runs`, {
			assistant_id: "slow",
			input: ask,
		});
		let e = await next();
		while (e.event !== "run" || (e.data as any).run_id !== run.run_id)
			e = await next();
		expect(e.data).toMatchObject({ thread_id: t.thread_id });
		expect(["pending", "running"]).toContain((e.data as any).status);
		await call(`/threads/${t.thread_id}/runs/${run.run_id}/cancel`, {});
		for (;;) {
			e = await next();
			const d = e.data as any;
			if (d.run_id === run.run_id && !["pending", "running"].includes(d.status))
				break;
		}
		expect(Number(e.id)).toBeGreaterThan(0);
		stop.abort();
		await events.return(undefined);
	});

	it("a run's stream resumes after Last-Event-ID: tokens included (messages mode)", async () => {
		const t = await call("/threads", {});
		const run = await call(`/threads/${t.thread_id}/runs`, {
			assistant_id: "assistant",
			input: ask,
			stream_mode: ["values", "updates", "messages-tuple"],
		});
		const url = `http://studio.test/threads/${t.thread_id}/runs/${run.run_id}/stream`;
		const read = async (lastId?: string) => {
			const res = await weft.app.fetch(
				new Request(url, {
					headers: lastId === undefined ? {} : { "Last-Event-ID": lastId },
				}),
			);
			const out: SseEvent[] = [];
			for await (const e of readSse(res.body!)) out.push(e);
			return out;
		};
		const all = await read();
		const tokens = all.filter((e) => e.event === "messages");
		expect(tokens.map((e) => (e.data as any)[0].content).join("")).toBe(
			"Refunds take five days.",
		);
		const rest = await read(all[2]!.id);
		expect(rest.map((e) => e.id)).toEqual(all.slice(3).map((e) => e.id));
	});
});
