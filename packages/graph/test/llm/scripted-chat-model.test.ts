import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
	type AIMessageChunk,
	type BaseMessage,
	HumanMessage,
	type UsageMetadata,
} from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { ScriptedChatModel, ScriptedModelError } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

// @langchain/core 1.4 types usage_metadata as undefined under exactOptionalPropertyTypes
const usage = (m: BaseMessage | undefined) =>
	(m as { usage_metadata?: UsageMetadata } | undefined)?.usage_metadata;

const search = tool(async ({ q }) => `found ${q}`, {
	name: "search",
	description: "search the web",
	schema: z.object({ q: z.string() }),
});

describe("ScriptedChatModel", () => {
	it("answers in script order and records calls", async () => {
		const model = new ScriptedChatModel([
			"one",
			{ content: "two", usage: { input: 3, output: 5 } },
		]);
		const a = await model.invoke([new HumanMessage("hi")]);
		const b = await model.invoke("again");
		expect(a.content).toBe("one");
		expect(usage(a)?.output_tokens).toBeGreaterThan(0);
		expect(usage(b)).toMatchObject({
			input_tokens: 3,
			output_tokens: 5,
			total_tokens: 8,
		});
		expect(b.response_metadata.model_name).toBe("scripted");
		expect(model.calls.map((c) => c.messages.at(-1)?.content)).toEqual([
			"hi",
			"again",
		]);
		expect(model.remaining).toBe(0);
		await expect(model.invoke("more")).rejects.toMatchObject({
			code: "CONFIG_INVALID",
		});
	});

	it("returns tool calls and records bound tools; bound copies share the script", async () => {
		const model = new ScriptedChatModel({
			replies: [
				{ toolCalls: [{ name: "search", args: { q: "weft" } }] },
				"done",
			],
			idPrefix: "s",
		});
		const bound = model.bindTools([search]);
		const first = await bound.invoke("find weft");
		expect(first.tool_calls).toEqual([
			{
				id: "call-s-0-0",
				name: "search",
				args: { q: "weft" },
				type: "tool_call",
			},
		]);
		expect(model.calls[0]?.tools).toEqual(["search"]);
		expect((await model.invoke("x")).content).toBe("done");
	});

	it("streams token chunks that concatenate to the whole answer", async () => {
		const model = new ScriptedChatModel([
			{
				content: "Weft runs graphs",
				toolCalls: [{ name: "search", args: { q: "x" } }],
				usage: { input: 4, output: 3 },
			},
		]);
		const chunks: AIMessageChunk[] = [];
		for await (const c of await model.stream("go")) chunks.push(c);
		expect(chunks.map((c) => c.content)).toEqual([
			"Weft ",
			"runs ",
			"graphs",
			"",
		]);
		const full = chunks.reduce((a, b) => a.concat(b));
		expect(full.content).toBe("Weft runs graphs");
		expect(full.tool_calls?.[0]).toMatchObject({
			name: "search",
			args: { q: "x" },
		});
		expect(usage(full)?.total_tokens).toBe(7);
		expect(model.calls[0]?.streamed).toBe(true);
	});

	it("reports malformed tool arguments as invalid tool calls, streamed or not", async () => {
		const reply = {
			malformedToolCalls: [{ name: "search", args: "{q: weft}" }],
		};
		const model = new ScriptedChatModel({
			replies: [reply, reply],
			idPrefix: "s",
		});
		const plain = await model.invoke("x");
		expect(plain.tool_calls).toEqual([]);
		expect(plain.invalid_tool_calls?.[0]).toMatchObject({
			name: "search",
			id: "call-s-0-0",
		});
		let full: AIMessageChunk | undefined;
		for await (const c of await model.stream("x"))
			full = full === undefined ? c : full.concat(c);
		expect(full?.tool_calls).toEqual([]);
		expect(full?.invalid_tool_calls?.[0]).toMatchObject({
			name: "search",
			args: "{q: weft}",
		});
	});

	it("injects provider-like failures: 429 with Retry-After, 500, 400", async () => {
		const model = new ScriptedChatModel([
			{ fail: "rate-limit", retryAfterSeconds: 7 },
			{ fail: "server" },
			{ fail: "bad-request", message: "no" },
		]);
		const e429 = await model.invoke("x").catch((e: unknown) => e);
		expect(e429).toBeInstanceOf(ScriptedModelError);
		expect(e429).toMatchObject({ status: 429 });
		expect((e429 as ScriptedModelError).headers.get("retry-after")).toBe("7");
		await expect(model.invoke("x")).rejects.toMatchObject({ status: 500 });
		await expect(model.invoke("x")).rejects.toMatchObject({
			status: 400,
			message: "no",
		});
	});

	it("hangs until the call is aborted", async () => {
		const model = new ScriptedChatModel([{ fail: "hang" }]);
		const controller = new AbortController();
		const pending = model.invoke("x", { signal: controller.signal });
		setTimeout(() => controller.abort(new Error("timed out")), 5);
		await expect(pending).rejects.toThrow("timed out");
	});

	it("computes a reply from the call, and repeats the last one when asked", async () => {
		const model = new ScriptedChatModel({
			replies: [(call) => `you said ${call.messages.at(-1)?.content}`],
			repeatLast: true,
			model: "echo-1",
		});
		expect((await model.invoke("a")).content).toBe("you said a");
		expect((await model.invoke("b")).content).toBe("you said b");
		expect((await model.invoke("c")).response_metadata.model_name).toBe(
			"echo-1",
		);
	});

	it("answers with ids no other process's model gives by default, so a thread resumed elsewhere keeps its messages", () => {
		// each process counts its models from 1: the same default ids would replace earlier messages of
		// the thread (messages() replaces by id) when another process answers an approval
		const answerIds = () =>
			execFileSync(
				process.execPath,
				[
					"--conditions",
					"@weft/source",
					"--import",
					"tsx",
					"--input-type=module",
					"-e",
					`import { ScriptedChatModel } from "@weft/graph/llm";
const m = new ScriptedChatModel([{ toolCalls: [{ name: "t", args: {} }] }]);
const a = await m.invoke("x");
process.stdout.write(JSON.stringify([a.id, a.tool_calls[0].id]));`,
				],
				{ cwd: fileURLToPath(new URL("../..", import.meta.url)) },
			).toString();
		const [first, second] = [
			JSON.parse(answerIds()),
			JSON.parse(answerIds()),
		] as string[][];
		expect(first![0]).not.toBe(second![0]);
		expect(first![1]).not.toBe(second![1]);
	});
});

describe("ScriptedChatModel's replies are checked where they are given", () => {
	it("refuses an unknown failure kind with CONFIG_INVALID naming the kinds (it hung the call, taken for a hang)", () => {
		const bad = [{ fail: "server-error" }] as never;
		expect(() => new ScriptedChatModel({ replies: bad })).toThrow(
			expect.objectContaining({
				code: "CONFIG_INVALID",
				message: expect.stringContaining('"server-error"'),
			}),
		);
		expect(() => new ScriptedChatModel(["ok"]).script(42 as never)).toThrow(
			/reply 2: a reply must be text, a message, a failure or a function, not 42/,
		);
		expect(() => new ScriptedChatModel({ replies: "hello" as never })).toThrow(
			expect.objectContaining({ code: "CONFIG_INVALID" }),
		);
	});

	it("refuses what a function reply gives when it is no reply", async () => {
		const model = new ScriptedChatModel([() => ({ fail: "oops" }) as never]);
		await expect(model.invoke("hi")).rejects.toMatchObject({
			code: "CONFIG_INVALID",
			message: expect.stringContaining("given by its function"),
		});
	});
});
