import type { AIMessageChunk } from "@langchain/core/messages";
import { ModelRouter, piiGuard, weftMetadata } from "@weft/models";
import { describe, expect, it } from "vitest";
import { eventLog, FakeModel, usageOf } from "./fake-model.ts";

async function collect(stream: AsyncIterable<AIMessageChunk>) {
	const chunks: AIMessageChunk[] = [];
	for await (const c of stream) chunks.push(c);
	const all = chunks.reduce((a, b) => a.concat(b));
	return { chunks, all };
}

describe("streaming", () => {
	it("passes tokens through and reports usage and weft metadata once, on the last chunk", async () => {
		const model = new FakeModel("m", [
			{
				content: "one two three",
				usage: { input_tokens: 7, output_tokens: 3, total_tokens: 10 },
			},
		]);
		const router = new ModelRouter({ models: { "gpt-4o-mini": model } });
		const { chunks, all } = await collect(await router.stream("hi"));
		expect(chunks.map((c) => c.content).filter((c) => c !== "")).toEqual([
			"one ",
			"two ",
			"three",
		]);
		expect(all.content).toBe("one two three");
		expect(usageOf(all)).toMatchObject({
			input_tokens: 7,
			output_tokens: 3,
			total_tokens: 10,
		});
		expect(weftMetadata(all)!).toMatchObject({
			model: "gpt-4o-mini",
			cache: "miss",
			attempts: 1,
			route: "default",
		});
		expect(router.usage.totals().totalTokens).toBe(10);
	});

	it("retries and falls back before the first chunk", async () => {
		const a = new FakeModel("a", [{ fail: { status: 503 } }]);
		const b = new FakeModel("b", [{ content: "from b" }]);
		const log = eventLog();
		const router = new ModelRouter({
			models: { a, b },
			retry: { maxRetries: 0 },
			onEvent: log.onEvent,
		});
		const { all } = await collect(await router.stream("hi"));
		expect(all.content).toBe("from b");
		expect(weftMetadata(all)!).toMatchObject({
			model: "b",
			attempts: 2,
		});
		expect(log.of("fallback")).toHaveLength(1);
	});

	it("keeps tool-call chunks (and malformed arguments) intact", async () => {
		const model = new FakeModel("m", [
			{
				toolCalls: [{ name: "search", args: { q: "x" }, id: "c1" }],
				rawToolCalls: [{ name: "broken", args: "not json{", id: "c2" }],
			},
		]);
		const { all } = await collect(
			await new ModelRouter({ models: { model } }).stream("hi"),
		);
		expect(all.tool_calls).toEqual([
			expect.objectContaining({ name: "search", args: { q: "x" }, id: "c1" }),
		]);
		expect(all.invalid_tool_calls).toEqual([
			expect.objectContaining({ name: "broken", args: "not json{", id: "c2" }),
		]);
	});

	it("serves a cache hit, or output-guarded answers, as one chunk", async () => {
		const model = new FakeModel("m", [{ content: "mail me at x@y.org" }], {
			temperature: 0,
		});
		const router = new ModelRouter({
			models: { model },
			cache: true,
			guards: [piiGuard({ stages: ["output"] })],
		});
		const first = await collect(await router.stream("hi"));
		expect(first.chunks).toHaveLength(1);
		expect(first.all.content).toBe("mail me at [EMAIL]");
		const plain = new ModelRouter({
			models: {
				model: new FakeModel("m", [{ content: "a b" }], { temperature: 0 }),
			},
			cache: true,
		});
		await collect(await plain.stream("hi"));
		const hit = await collect(await plain.stream("hi"));
		expect(hit.chunks).toHaveLength(1);
		expect(weftMetadata(hit.all)!.cache).toBe("hit");
		expect(hit.all.content).toBe("a b");
	});

	it("gives invoke() with a streaming callback (as graph runtimes use) the same metadata as a plain invoke", async () => {
		const model = new FakeModel("m", [{ content: "x y" }]);
		const tokens: string[] = [];
		const handler = {
			lc_prefer_streaming: true,
			handleLLMNewToken: (t: string) => void tokens.push(t),
		};
		const out = await new ModelRouter({ models: { model } }).invoke("hi", {
			callbacks: [handler],
		});
		expect(tokens.filter((t) => t !== "")).toEqual(["x ", "y"]);
		expect(weftMetadata(out)!).toMatchObject({
			model: "model",
			attempts: 1,
		});
		expect(usageOf(out)?.total_tokens).toBe(15);
	});
});
