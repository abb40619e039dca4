import type { AIMessageChunk } from "@langchain/core/messages";
import { ModelRouter, weftMetadata } from "@weft/models";
import { describe, expect, it } from "vitest";
import { eventLog, FakeModel } from "./fake-model.ts";

async function collect(stream: AsyncIterable<AIMessageChunk>) {
	const chunks: AIMessageChunk[] = [];
	for await (const c of stream) chunks.push(c);
	return { chunks, all: chunks.reduce((a, b) => a.concat(b)) };
}

// llmNode invokes or streams depending on how the run is consumed: the same request must hit either way.
describe("response cache across invoke and stream", () => {
	it("a streamed call hits what an invoke stored, as one chunk", async () => {
		const model = new FakeModel("m", [{ content: "one two" }], {
			temperature: 0,
		});
		const log = eventLog();
		const router = new ModelRouter({
			models: { m: model },
			cache: true,
			onEvent: log.onEvent,
		});
		await router.invoke("q1");
		const { chunks, all } = await collect(await router.stream("q1"));
		expect(chunks.map((c) => c.content)).toEqual(["one two"]);
		expect(weftMetadata(all)!).toMatchObject({ cache: "hit" });
		expect(model.calls).toHaveLength(1);
		expect(log.of("cache").map((e) => e.result)).toEqual(["miss", "hit"]);
	});

	it("an invoke hits what a stream stored", async () => {
		const model = new FakeModel("m", [{ content: "one two" }], {
			temperature: 0,
		});
		const router = new ModelRouter({ models: { m: model }, cache: true });
		await collect(await router.stream("q2"));
		const again = await collect(await router.stream("q2"));
		expect(weftMetadata(again.all)!).toMatchObject({ cache: "hit" });
		const answer = await router.invoke("q2");
		expect(answer.content).toBe("one two");
		expect(weftMetadata(answer)!).toMatchObject({ cache: "hit" });
		expect(model.calls).toHaveLength(1);
	});
});

describe("streams through the router", () => {
	it("end with one empty chunk (usage and weft metadata), not more", async () => {
		const model = new FakeModel("m", [{ content: "one two three" }]);
		const router = new ModelRouter({ models: { m: model } });
		const { chunks } = await collect(await router.stream("hi"));
		expect(chunks.map((c) => c.content)).toEqual(["one ", "two ", "three", ""]);
		expect(weftMetadata(chunks.at(-1)!)).toBeDefined();
	});
});
