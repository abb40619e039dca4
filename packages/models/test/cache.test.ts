import {
	AIMessage,
	ChatMessage,
	HumanMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { MemoryCacheStore, ModelRouter, weftMetadata } from "@weft/models";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { eventLog, FakeModel, usageOf } from "./fake-model.ts";

const weather = tool(async () => "sunny", {
	name: "weather",
	description: "weather",
	schema: z.object({ city: z.string() }),
});

describe("response cache", () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	it("does not keep an answer an output guard blocked: the next call asks the model again (invoke and stream)", async () => {
		// the blocked answer was cached, and every later identical call was blocked from the cache
		const { maxLengthGuard } = await import("@weft/models");
		for (const how of ["invoke", "stream"] as const) {
			const model = new FakeModel(
				"gpt-4o-mini",
				[{ content: "x".repeat(100) }, { content: "short" }],
				{ temperature: 0 },
			);
			const store = new MemoryCacheStore();
			const router = new ModelRouter({
				models: { "gpt-4o-mini": model },
				cache: { store },
				guards: [maxLengthGuard({ maxChars: 10, stages: ["output"] })],
			});
			const ask = async () => {
				if (how === "invoke") return String((await router.invoke("q")).content);
				let text = "";
				for await (const c of await router.stream("q"))
					text += String(c.content);
				return text;
			};
			await expect(ask(), how).rejects.toMatchObject({
				code: "GUARDRAIL_TRIPPED",
			});
			expect(await ask(), how).toBe("short");
			expect(model.calls, how).toHaveLength(2);
			expect(await ask(), how).toBe("short"); // the answer that passed is cached
			expect(model.calls, how).toHaveLength(2);
			// a router with a stricter guard on the same store drops the entry it blocks
			const strict = new ModelRouter({
				models: { "gpt-4o-mini": model },
				cache: { store },
				guards: [maxLengthGuard({ maxChars: 3, stages: ["output"] })],
			});
			await expect(strict.invoke("q"), how).rejects.toMatchObject({
				code: "GUARDRAIL_TRIPPED",
			});
			expect(model.calls, how).toHaveLength(2);
			expect(store.size, how).toBe(0);
		}
	});

	it("answers a repeated temperature-0 call from the cache, at no cost", async () => {
		const model = new FakeModel(
			"gpt-4o-mini",
			[{ content: "first" }, { content: "second" }],
			{ temperature: 0 },
		);
		const log = eventLog();
		const router = new ModelRouter({
			models: { "gpt-4o-mini": model },
			cache: true,
			onEvent: log.onEvent,
		});
		const a = await router.invoke("same question");
		const b = await router.invoke("same question");
		expect(b.content).toBe("first");
		expect(model.calls).toHaveLength(1);
		expect(weftMetadata(a)!).toMatchObject({ cache: "miss" });
		expect(weftMetadata(b)!).toMatchObject({
			cache: "hit",
			costUsd: 0,
			attempts: 0,
		});
		expect(weftMetadata(b)!.savedUsd).toBeCloseTo(
			weftMetadata(a)!.costUsd ?? Number.NaN,
			12,
		);
		expect(usageOf(b)).toMatchObject({
			input_tokens: 0,
			output_tokens: 0,
		});
		expect(log.of("cache").map((e) => e.result)).toEqual(["miss", "hit"]);
		expect(router.usage.totals()).toMatchObject({
			calls: 2,
			cacheHits: 1,
			cacheMisses: 1,
		});
	});

	it("gives each answer from the cache its own message id (the messages channel replaces by id)", async () => {
		const model = new FakeModel("gpt-4o-mini", [{ content: "joke" }], {
			temperature: 0,
		});
		const router = new ModelRouter({
			models: { "gpt-4o-mini": model },
			cache: true,
		});
		const answers = [
			await router.invoke("tell a joke"),
			await router.invoke("tell a joke"),
			await router.invoke("tell a joke"),
		];
		expect(model.calls).toHaveLength(1);
		expect(answers.map((a) => a.content)).toEqual(["joke", "joke", "joke"]);
		const ids = answers.map((a) => a.id);
		for (const id of ids) expect(id).toEqual(expect.any(String));
		expect(new Set(ids).size).toBe(3);
	});

	it("gives the tool calls of each answer from the cache ids of their own (providers refuse a conversation where two calls share one)", async () => {
		const model = new FakeModel(
			"gpt-4o-mini",
			[
				{
					content: "",
					toolCalls: [
						{ name: "weather", args: { city: "Oslo" }, id: "call_1" },
						{ name: "weather", args: { city: "Rome" }, id: "call_2" },
					],
				},
			],
			{ temperature: 0 },
		);
		const router = new ModelRouter({
			models: { "gpt-4o-mini": model },
			cache: true,
		}).bindTools([weather]);
		const answers = [
			await router.invoke("weather?"),
			await router.invoke("weather?"),
			await router.invoke("weather?"),
		];
		expect(model.calls).toHaveLength(1);
		const ids = answers.flatMap((a) => a.tool_calls!.map((c) => c.id));
		expect(ids).toHaveLength(6);
		expect(new Set(ids).size).toBe(6);
		// the calls themselves as cached, in order; the stored form (toDict) carries the new ids too
		for (const a of answers.slice(1)) {
			expect(a.tool_calls!.map((c) => [c.name, c.args])).toEqual([
				["weather", { city: "Oslo" }],
				["weather", { city: "Rome" }],
			]);
			const dict = a.toDict().data as { tool_calls?: { id?: string }[] };
			expect(dict.tool_calls!.map((c) => c.id)).toEqual(
				a.tool_calls!.map((c) => c.id),
			);
		}
	});

	it("never caches at temperature > 0 or unknown, unless asked", async () => {
		const hot = new FakeModel(
			"hot",
			[{ content: "1" }, { content: "2" }, { content: "3" }, { content: "4" }],
			{ temperature: 0.7 },
		);
		const log = eventLog();
		const router = new ModelRouter({
			models: { hot },
			cache: true,
			onEvent: log.onEvent,
		});
		await router.invoke("q");
		expect((await router.invoke("q")).content).toBe("2");
		expect(log.of("cache")[0]).toMatchObject({
			result: "bypass",
			reason: "temperature 0.7 > 0",
		});
		await router.invoke("q", { cache: true });
		expect((await router.invoke("q", { cache: true })).content).toBe("3");

		const unknown = new FakeModel("u", [{ content: "a" }, { content: "b" }]);
		const r2 = new ModelRouter({ models: { unknown }, cache: true });
		await r2.invoke("q");
		expect((await r2.invoke("q")).content).toBe("b");
		const declared = new ModelRouter({
			models: { unknown: { model: unknown, temperature: 0 } },
			cache: { allowNonZeroTemperature: false },
		});
		const first = await declared.invoke("q");
		expect((await declared.invoke("q")).content).toBe(first.content);
	});

	it("keys on model, parameters, tools and messages (not message ids)", async () => {
		const model = new FakeModel(
			"m",
			[(msgs) => ({ content: `answer ${msgs.length}:${Math.random()}` })],
			{ temperature: 0 },
		);
		const router = new ModelRouter({ models: { m: model }, cache: true });
		const base = await router.invoke("q");
		expect(
			(await router.invoke([{ role: "user", content: "q", id: "other-id" }]))
				.content,
		).toBe(base.content);
		expect((await router.invoke("q", { stop: ["\n"] })).content).not.toBe(
			base.content,
		);
		expect((await router.bindTools([weather]).invoke("q")).content).not.toBe(
			base.content,
		);
		expect((await router.invoke("q2")).content).not.toBe(base.content);
		expect((await router.invoke("q", { cache: false })).content).not.toBe(
			base.content,
		);
	});

	// outside checks (6 Dec): a call at temperature 0.9 on an entry declared 0 was served from the cache;
	// a ChatMessage's role and a message's provider fields were left out of the key
	it("a temperature given with the call decides too, and roles and provider fields are keyed", async () => {
		const model = new FakeModel(
			"m",
			[() => ({ content: `answer ${Math.random()}` })],
			{ temperature: 0 },
		);
		const log = eventLog();
		const router = new ModelRouter({
			models: { m: { model, temperature: 0 } },
			cache: true,
			onEvent: log.onEvent,
		});
		const hot = await router.invoke("t", { temperature: 0.9 } as never);
		expect(
			(await router.invoke("t", { temperature: 0.9 } as never)).content,
		).not.toBe(hot.content);
		expect(log.of("cache").map((e) => e.result)).toEqual(["bypass", "bypass"]);
		const asUser = await router.invoke([new ChatMessage("Say yes", "user")]);
		expect(
			(await router.invoke([new ChatMessage("Say yes", "assistant")])).content,
		).not.toBe(asUser.content);
		const call = (args: string) =>
			new AIMessage({
				content: "",
				additional_kwargs: { function_call: { name: "f", arguments: args } },
			});
		const one = await router.invoke([new HumanMessage("q"), call("{}")]);
		expect(
			(await router.invoke([new HumanMessage("q"), call('{"a":1}')])).content,
		).not.toBe(one.content);
		// found from outside (6 Dec): a failed tool result hit the answer cached for a successful one
		const asked = new AIMessage({
			content: "",
			tool_calls: [{ id: "c1", name: "f", args: {} }],
		});
		const result = (status: "success" | "error") =>
			new ToolMessage({ content: "done", tool_call_id: "c1", status });
		const ok = await router.invoke([
			new HumanMessage("q"),
			asked,
			result("success"),
		]);
		expect(
			(await router.invoke([new HumanMessage("q"), asked, result("error")]))
				.content,
		).not.toBe(ok.content);
	});

	it("expires entries after ttlMs and evicts the least recently used", async () => {
		vi.useFakeTimers();
		const model = new FakeModel(
			"m",
			[(msgs) => ({ content: `${msgs[0]?.content}@${Date.now()}` })],
			{ temperature: 0 },
		);
		const store = new MemoryCacheStore({ maxEntries: 2 });
		const router = new ModelRouter({
			models: { m: model },
			cache: { store, ttlMs: 1000 },
		});
		const a = await router.invoke("a");
		await vi.advanceTimersByTimeAsync(999);
		expect((await router.invoke("a")).content).toBe(a.content);
		await vi.advanceTimersByTimeAsync(2);
		expect((await router.invoke("a")).content).not.toBe(a.content);
		await router.invoke("b");
		await router.invoke("c");
		expect(store.size).toBe(2);
	});

	it("stores under the model that answered when the primary failed", async () => {
		const down = new FakeModel(
			"down",
			[{ fail: { status: 503 } }, { content: "primary back" }],
			{ temperature: 0 },
		);
		const up = new FakeModel("up", [{ content: "from fallback" }], {
			temperature: 0,
		});
		const router = new ModelRouter({
			models: { down, up },
			cache: true,
			retry: { maxRetries: 0 },
		});
		expect((await router.invoke("q")).content).toBe("from fallback");
		// The next call tries the primary again (its key has no entry): a recovered provider is used.
		expect((await router.invoke("q")).content).toBe("primary back");
	});
});
