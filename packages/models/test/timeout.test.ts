import { isWeftError } from "@weft/checkpoint";
import { ModelError, ModelRouter, weftMetadata } from "@weft/models";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { eventLog, FakeModel } from "./fake-model.ts";

describe("timeouts", () => {
	beforeEach(() => {
		vi.useFakeTimers();
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it("aborts a hanging attempt after timeoutMs and falls back", async () => {
		const slow = new FakeModel("slow", [{ hang: true }]);
		const fast = new FakeModel("fast", [{ content: "fast" }]);
		const log = eventLog();
		const router = new ModelRouter({
			models: {
				slow: { model: slow, timeoutMs: 1000, retry: { maxRetries: 0 } },
				fast,
			},
			onEvent: log.onEvent,
		});
		const pending = router.invoke("hi");
		await vi.advanceTimersByTimeAsync(1000);
		const out = await pending;
		expect(weftMetadata(out)!.model).toBe("fast");
		expect(log.of("fallback")[0]?.error.kind).toBe("timeout");
		expect((slow.calls[0]!.options.signal as AbortSignal).aborted).toBe(true);
	});

	it("fails with MODEL_TIMEOUT when the last model times out", async () => {
		const slow = new FakeModel("slow", [{ hang: true }]);
		const router = new ModelRouter({
			models: { slow },
			timeoutMs: 500,
			retry: { maxRetries: 1, initialDelayMs: 10 },
		});
		const pending = router.invoke("hi").catch((e: unknown) => e);
		await vi.runAllTimersAsync();
		const err = (await pending) as ModelError;
		expect(err).toBeInstanceOf(ModelError);
		expect(err.reason).toBe("MODEL_TIMEOUT");
		expect(slow.calls).toHaveLength(2);
	});

	it("stops at once when the caller aborts, without falling back", async () => {
		const slow = new FakeModel("slow", [{ hang: true }]);
		const other = new FakeModel("other", [{ content: "no" }]);
		const router = new ModelRouter({ models: { slow, other } });
		const controller = new AbortController();
		const pending = router
			.invoke("hi", { signal: controller.signal })
			.catch((e: unknown) => e);
		await vi.advanceTimersByTimeAsync(10);
		controller.abort(new Error("user cancelled"));
		const err = await pending;
		expect(err).toMatchObject({
			code: "RUN_CANCELLED",
			message: "the model call was cancelled: user cancelled",
			hint: expect.stringContaining("aborted"),
		});
		expect(isWeftError(err)).toBe(true);
		expect(other.calls).toHaveLength(0);
	});

	it("stops a streamed call the same way: RUN_CANCELLED, not @langchain/core's bare AbortError (audit)", async () => {
		const slow = new FakeModel("slow", [{ hang: true }]);
		const router = new ModelRouter({ models: { slow } });
		const controller = new AbortController();
		const pending = (async () => {
			for await (const _ of await router.stream("hi", {
				signal: controller.signal,
			})) {
				// nothing arrives before the abort
			}
		})().catch((e: unknown) => e);
		await vi.advanceTimersByTimeAsync(10);
		controller.abort(new Error("user cancelled"));
		const err = await pending;
		expect(err).toMatchObject({
			code: "RUN_CANCELLED",
			hint: expect.stringContaining("aborted"),
		});
		expect(isWeftError(err)).toBe(true);
	});
});
