// Outside check (7 Dec): a streamed call whose model stopped sending chunks after the first ones waited
// forever (`timeoutMs` bounds a stream only until its first chunk). `streamIdleTimeoutMs` bounds each wait
// for the next chunk.

import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessageChunk, type BaseMessage } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import { isWeftError } from "@weft/checkpoint";
import { type ModelError, ModelRouter } from "@weft/models";
import { describe, expect, it } from "vitest";

/** A chat model whose stream sends its chunks, then stalls until its call's signal aborts (if `stall`). */
class StallingModel extends BaseChatModel {
	aborted = 0;
	constructor(
		private readonly chunks: string[],
		private readonly stall = true,
	) {
		super({});
	}
	override _llmType() {
		return "stalling";
	}
	override async _generate(): Promise<ChatResult> {
		throw new Error("only streamed in this test");
	}
	override async *_streamResponseChunks(
		_messages: BaseMessage[],
		options: this["ParsedCallOptions"],
		_run?: CallbackManagerForLLMRun,
	): AsyncGenerator<ChatGenerationChunk> {
		for (const text of this.chunks)
			yield new ChatGenerationChunk({
				text,
				message: new AIMessageChunk({ content: text }),
			});
		if (!this.stall) return;
		const signal = options.signal;
		await new Promise<void>((resolve) => {
			if (signal?.aborted) resolve();
			signal?.addEventListener("abort", () => resolve(), { once: true });
		});
		this.aborted++;
		throw signal?.reason ?? new Error("aborted");
	}
}

async function read(stream: AsyncIterable<AIMessageChunk>) {
	const texts: string[] = [];
	try {
		for await (const c of stream)
			if (typeof c.content === "string" && c.content !== "")
				texts.push(c.content);
	} catch (error) {
		return { texts, error };
	}
	return { texts, error: undefined };
}

describe("a stream that stops sending chunks", () => {
	it("fails MODEL_TIMEOUT after streamIdleTimeoutMs without a chunk, keeping what arrived, and stops the model's call", async () => {
		const model = new StallingModel(["one ", "two "]);
		const router = new ModelRouter({
			models: { slow: { model, streamIdleTimeoutMs: 50 } },
		});
		const { texts, error } = await read(await router.stream("hi"));
		expect(texts).toEqual(["one ", "two "]);
		expect(isWeftError(error, "MODEL_TIMEOUT"), String(error)).toBe(true);
		const e = error as ModelError;
		expect(e.message).toBe(
			'model "slow" sent no chunk for 50 ms after 2 streamed chunk(s)',
		);
		expect(e.hint).toContain("streamIdleTimeoutMs");
		expect(e.model).toBe("slow");
		expect(e.attempts).toMatchObject([{ model: "slow", kind: "timeout" }]);
		expect(model.aborted).toBe(1);
		// what arrived was paid for
		expect(router.usage.calls()).toHaveLength(1);
	});

	it("defaults to the attempt's timeoutMs when it has one (the router's here)", async () => {
		const model = new StallingModel(["one "]);
		const router = new ModelRouter({ models: { m: model }, timeoutMs: 60 });
		const { texts, error } = await read(await router.stream("hi"));
		expect(texts).toEqual(["one "]);
		expect((error as Error).message).toBe(
			'model "m" sent no chunk for 60 ms after 1 streamed chunk(s)',
		);
	});

	it("a stream that ends is not cut, and the router's own option applies to every model", async () => {
		const model = new StallingModel(["a", "b", "c"], false);
		const router = new ModelRouter({
			models: { m: model },
			streamIdleTimeoutMs: 1000,
		});
		const { texts, error } = await read(await router.stream("hi"));
		expect(error).toBeUndefined();
		expect(texts).toEqual(["a", "b", "c"]);
	});

	it("refuses a streamIdleTimeoutMs that is no duration, on the router or an entry", () => {
		const m = new StallingModel([]);
		for (const options of [
			{ models: { m }, streamIdleTimeoutMs: 0 },
			{ models: { m }, streamIdleTimeoutMs: "5s" },
			{ models: { m: { model: m, streamIdleTimeoutMs: -1 } } },
		]) {
			let error: unknown;
			try {
				new ModelRouter(options as never);
			} catch (e) {
				error = e;
			}
			expect(isWeftError(error, "CONFIG_INVALID"), String(error)).toBe(true);
			expect((error as Error).message).toContain("streamIdleTimeoutMs");
		}
	});
});
