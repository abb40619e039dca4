// Outside check (7 Dec): a prompt too long for one model's context window failed the call as a 400,
// though the chain named a model with a larger window to fall back to (decision 0251).
import { ContextOverflowError } from "@langchain/core/errors";
import { describeError, type ModelError, ModelRouter } from "@weft/models";
import { describe, expect, it } from "vitest";
import { eventLog, FakeModel } from "./fake-model.ts";

const noWait = { maxRetries: 2, initialDelayMs: 1 };

describe("a prompt longer than the model's context window", () => {
	it.each([
		[
			"OpenAI",
			{
				status: 400,
				code: "context_length_exceeded",
				message:
					"This model's maximum context length is 8192 tokens. However, your messages resulted in 9021 tokens.",
			},
		],
		[
			"Anthropic",
			{
				status: 400,
				message: "prompt is too long: 210345 tokens > 200000 maximum",
			},
		],
		[
			"Google",
			{
				status: 400,
				message:
					"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
			},
		],
		["a 413", { status: 413, message: "Request Entity Too Large" }],
		[
			"LangChain's ContextOverflowError",
			new ContextOverflowError("Input exceeded the model's context window."),
		],
	])("is read as context_length (%s)", (_name, error) => {
		expect(describeError(error).kind).toBe("context_length");
	});

	it("leaves other 400s and rate limits counted in tokens as they were", () => {
		expect(describeError({ status: 400, message: "bad role" }).kind).toBe(
			"bad_request",
		);
		expect(
			describeError({
				status: 429,
				message: "Request too large: tokens per min (TPM) limit 30000",
			}).kind,
		).toBe("rate_limit");
	});

	it("goes to the fallback model at once, without retrying the same prompt", async () => {
		const small = new FakeModel("small", [
			{
				fail: {
					status: 400,
					message: "prompt is too long: 210345 tokens > 200000 maximum",
				},
			},
		]);
		const large = new FakeModel("large", [{ content: "from the large one" }]);
		const log = eventLog();
		const router = new ModelRouter({
			models: { small, large },
			retry: noWait,
			onEvent: log.onEvent,
		});
		const out = await router.invoke("a very long prompt");
		expect(out.content).toBe("from the large one");
		expect(small.calls).toHaveLength(1);
		expect(log.of("retry")).toEqual([]);
		expect(log.of("fallback")).toEqual([
			expect.objectContaining({
				from: "small",
				to: "large",
				error: expect.objectContaining({ kind: "context_length", status: 400 }),
			}),
		]);
	});

	it("falls back the same way when the call streams", async () => {
		const small = new FakeModel("small", [
			{ fail: { status: 413, message: "Request Entity Too Large" } },
		]);
		const large = new FakeModel("large", [{ content: "streamed answer" }]);
		const router = new ModelRouter({ models: { small, large }, retry: noWait });
		let text = "";
		for await (const chunk of await router.stream("a very long prompt"))
			text += String(chunk.content);
		expect(text).toBe("streamed answer");
		expect(small.calls).toHaveLength(1);
	});

	it("with no larger model left, fails with MODEL_REQUEST_INVALID saying to shorten the prompt", async () => {
		const only = new FakeModel("only", [
			{ fail: { status: 400, message: "prompt is too long: 9 > 8 maximum" } },
		]);
		const err = (await new ModelRouter({ models: { only }, retry: noWait })
			.invoke("x")
			.catch((e: unknown) => e)) as ModelError;
		expect(err.reason).toBe("MODEL_REQUEST_INVALID");
		expect(err.attempts).toHaveLength(1);
		expect(err.hint).toMatch(/context window/);
		expect(err.hint).toMatch(/trim|shorten/);
	});

	it("can be told not to fall back, like any other kind", async () => {
		const small = new FakeModel("small", [
			{ fail: { status: 400, message: "prompt is too long: 9 > 8 maximum" } },
		]);
		const large = new FakeModel("large", [{ content: "no" }]);
		const err = (await new ModelRouter({
			models: { small, large },
			errorPolicy: { fallbackOn: ["server"] },
		})
			.invoke("x")
			.catch((e: unknown) => e)) as ModelError;
		expect(err.reason).toBe("MODEL_REQUEST_INVALID");
		expect(large.calls).toHaveLength(0);
	});
});
