import { isWeftError } from "@weft/checkpoint";
import {
	blockedTopicsGuard,
	MemoryCacheStore,
	ModelRouter,
	maxLengthGuard,
	RateLimiterRegistry,
} from "@weft/models";
import { describe, expect, it } from "vitest";
import { FakeModel } from "./fake-model.ts";

/** The error `fn` throws (synchronously), or undefined. */
function thrown(fn: () => unknown): unknown {
	try {
		fn();
	} catch (e) {
		return e;
	}
	return undefined;
}

function expectConfigInvalid(error: unknown, mentions: string) {
	expect(isWeftError(error, "CONFIG_INVALID"), String(error)).toBe(true);
	const e = error as { message: string; hint?: string };
	expect(e.message).toContain(mentions);
	expect(e.hint).toEqual(expect.any(String));
}

const m = () => new FakeModel("m", [{ content: "ok" }]);
const router = (options: Record<string, unknown>) => () =>
	new ModelRouter({
		rateLimiters: new RateLimiterRegistry(),
		...options,
	} as never);

describe("bad options are CONFIG_INVALID at construction, with a hint", () => {
	it("prices that are not finite numbers ≥ 0 with input and output given (totals went NaN)", async () => {
		const { withPrices } = await import("@weft/models");
		for (const bad of [
			{ inputPerMTok: 1 },
			{ inputPerMTok: -1, outputPerMTok: 1 },
			{ inputPerMTok: "1", outputPerMTok: 1 },
			{ inputPerMTok: 1, outputPerMTok: Number.NaN },
			{ inputPerMTok: 1, outputPerMTok: 1, cachedInputPerMTok: -0.5 },
		]) {
			expectConfigInvalid(
				thrown(() => withPrices({ x: bad as never })),
				'withPrices["x"]',
			);
			expectConfigInvalid(
				thrown(router({ models: { a: m() }, prices: { a: bad } })),
				'prices["a"]',
			);
			expectConfigInvalid(
				thrown(router({ models: { a: { model: m(), price: bad } } })),
				'models["a"].price',
			);
		}
		expect(withPrices({ x: { inputPerMTok: 1, outputPerMTok: 2 } }).x).toEqual({
			inputPerMTok: 1,
			outputPerMTok: 2,
		});
	});

	it("a guard without a name, stages, action or check function", () => {
		const check = () => ({ ok: true as const });
		const cases: [unknown, string][] = [
			[5, "guards[0] is not a guard"],
			[{ stages: ["input"], action: "block", check }, "guards[0] has no name"],
			[{ name: "g", action: "block", check }, 'guards[0] ("g").stages'],
			[{ name: "g", stages: ["both"], action: "block", check }, ".stages"],
			[{ name: "g", stages: ["input"], check }, ".action"],
			[{ name: "g", stages: ["input"], action: "block" }, ".check"],
		];
		for (const [guard, mentions] of cases)
			expectConfigInvalid(
				thrown(router({ models: { a: m() }, guards: [guard] })),
				mentions,
			);
	});

	it("router-level and entry-level numbers", () => {
		const cases: [Record<string, unknown>, string][] = [
			[{ models: { a: m() }, retry: { maxRetries: -1 } }, "retry.maxRetries"],
			[{ models: { a: m() }, retry: { maxRetries: 1.5 } }, "retry.maxRetries"],
			[
				{ models: { a: m() }, retry: { initialDelayMs: Number.NaN } },
				"retry.initialDelayMs",
			],
			[{ models: { a: m() }, retry: { jitter: "lots" } }, "retry.jitter"],
			[{ models: { a: m() }, timeoutMs: -5 }, "timeoutMs"],
			[
				{
					models: { a: { model: m(), rateLimits: { requestsPerMinute: -1 } } },
				},
				"requestsPerMinute",
			],
			[
				{ models: { a: { model: m(), rateLimits: { maxConcurrency: 0 } } } },
				"maxConcurrency",
			],
			[
				{ models: { a: { model: m(), rateLimits: { maxWaitMs: -1 } } } },
				"maxWaitMs",
			],
			[{ models: { a: { model: m(), timeoutMs: 0 } } }, "timeoutMs"],
			[{ models: { a: m() }, cache: { ttlMs: -1 } }, "cache.ttlMs"],
			[{ models: { a: m() }, context: { maxTokens: -3 } }, "context.maxTokens"],
			[
				{ models: { a: m() }, expectedOutputTokens: -1 },
				"expectedOutputTokens",
			],
		];
		for (const [options, mentions] of cases)
			expectConfigInvalid(thrown(router(options)), mentions);
	});

	// found from outside (7 Dec): a timeoutMs or retry delay past 2^31-1 ms was taken, then Node fired the
	// timer after 1 ms and every call failed with MODEL_TIMEOUT (retries came at once)
	it("timeouts and delays a timer cannot hold (past 2147483647 ms) are refused, naming the limit", async () => {
		const big = 2 ** 31;
		const cases: [Record<string, unknown>, string][] = [
			[{ models: { a: m() }, timeoutMs: big }, "timeoutMs"],
			[
				{ models: { a: { model: m(), timeoutMs: Number.MAX_SAFE_INTEGER } } },
				'models["a"].timeoutMs',
			],
			[
				{ models: { a: { model: m(), timeoutMs: Number.POSITIVE_INFINITY } } },
				'models["a"].timeoutMs',
			],
			[
				{ models: { a: m() }, retry: { initialDelayMs: 3e9 } },
				"retry.initialDelayMs",
			],
			[{ models: { a: m() }, retry: { maxDelayMs: 3e9 } }, "retry.maxDelayMs"],
			[
				{ models: { a: m() }, retry: { maxRetryAfterMs: 3e9 } },
				"retry.maxRetryAfterMs",
			],
			[
				{ models: { a: { model: m(), retry: { maxDelayMs: big } } } },
				'models["a"].retry.maxDelayMs',
			],
			[
				{ models: { a: { model: m(), rateLimits: { maxWaitMs: big } } } },
				"maxWaitMs",
			],
		];
		for (const [options, mentions] of cases) {
			const error = thrown(router(options));
			expectConfigInvalid(error, mentions);
			expect((error as Error).message).toContain("2147483647");
			expect((error as { hint: string }).hint).toContain("2147483647");
		}
		const timeout = thrown(router({ models: { a: m() }, timeoutMs: big }));
		expect((timeout as { hint: string }).hint).toContain("no timeout");
		// the limit itself is a timer Node keeps
		expect(
			thrown(
				router({
					models: { a: m() },
					timeoutMs: 2 ** 31 - 1,
					retry: { initialDelayMs: 2 ** 31 - 1, maxDelayMs: 2 ** 31 - 1 },
				}),
			),
		).toBeUndefined();
		const model = m();
		const r = new ModelRouter({ models: { model } });
		const error = await r.invoke("hi", { maxWaitMs: big }).catch((e) => e);
		expectConfigInvalid(error, "maxWaitMs");
		expect(model.calls).toHaveLength(0);
	});

	// found from outside (6 Dec): `gaurds`, `cahce` and `maxRetrys` were taken without a word (a guard
	// that was never on)
	it("misspelled option names, at every level, naming the option meant", () => {
		const cases: [Record<string, unknown>, string, string][] = [
			[{ models: { a: m() }, gaurds: [] }, '"gaurds"', "guards"],
			[{ models: { a: m() }, cahce: true }, '"cahce"', "cache"],
			[
				{ models: { a: m() }, retry: { maxRetrys: 5 } },
				'"maxRetrys"',
				"maxRetries",
			],
			[{ models: { a: m() }, cache: { tllMs: 5 } }, '"tllMs"', "ttlMs"],
			[
				{ models: { a: { model: m(), timeoutMS: 5 } } },
				'"timeoutMS"',
				"timeoutMs",
			],
			[
				{ models: { a: { model: m(), retry: { factr: 2 } } } },
				'"factr"',
				"factor",
			],
		];
		for (const [options, mentions, meant] of cases) {
			const error = thrown(router(options));
			expectConfigInvalid(error, mentions);
			expect((error as { hint: string }).hint).toContain(
				`did you mean ${meant}?`,
			);
		}
	});

	it("misspelled keys inside nested options (rules, context, balance, deployments, errorPolicy), naming the path", () => {
		const gpt = (extra: Record<string, unknown>) => ({
			models: {
				g: { deployments: [{ name: "a", model: m(), ...extra }] },
			},
		});
		const cases: [Record<string, unknown>, string, string | undefined][] = [
			// the rule's only condition was misspelt: it matched every call and took all traffic
			[
				{ models: { m: m() }, rules: [{ tsk: "legal", use: "m" }] },
				'rules[0] has no option "tsk"',
				"task",
			],
			[
				{ models: { m: m() }, context: { maxTokens: 100, keepLastTurn: 2 } },
				'context has no option "keepLastTurn"',
				"keepLastTurns",
			],
			[
				{
					models: { m: m() },
					context: { maxTokens: 100, summarize: { model: m(), promt: "x" } },
				},
				'context.summarize has no option "promt"',
				"prompt",
			],
			[
				{
					models: {
						g: {
							deployments: [{ name: "a", model: m() }],
							balance: { stratgy: "least-outstanding" },
						},
					},
				},
				'models["g"].balance has no option "stratgy"',
				"strategy",
			],
			[
				{
					models: {
						g: {
							deployments: [{ name: "a", model: m() }],
							balance: { circuit: { coolDownMS: 5 } },
						},
					},
				},
				'models["g"].balance.circuit has no option "coolDownMS"',
				"coolDownMs",
			],
			[
				gpt({ wieght: 3 }),
				'models["g"].deployments[0] has no option "wieght"',
				"weight",
			],
			[
				{ models: { m: m() }, errorPolicy: { retry: ["server"] } },
				'errorPolicy has no option "retry"',
				undefined,
			],
			// "ratelimit" (for rate_limit): 429s were silently no longer retried
			[
				{ models: { m: m() }, errorPolicy: { retryOn: ["ratelimit"] } },
				'errorPolicy.retryOn[0] is "ratelimit"',
				"rate_limit",
			],
			[
				{ models: { m: m() }, errorPolicy: { fallbackOn: "server" } },
				"errorPolicy.fallbackOn must be a list",
				undefined,
			],
			[
				{ models: { m: m() }, errorPolicy: { decide: "retry" } },
				"errorPolicy.decide must be a function",
				undefined,
			],
			[gpt({ weight: 0 }), 'models["g"].deployments[0].weight', undefined],
		];
		for (const [options, mentions, meant] of cases) {
			const error = thrown(router(options));
			expectConfigInvalid(error, mentions);
			if (meant !== undefined)
				expect((error as { hint: string }).hint).toContain(
					`did you mean ${meant}?`,
				);
		}
	});

	it("a rule without a condition (it matched every call) is refused, pointing to defaultChain", () => {
		for (const rule of [
			{ use: "m" },
			{ name: "rest", use: "m" },
			{ requires: [], use: "m" },
		]) {
			const error = thrown(router({ models: { m: m() }, rules: [rule] }));
			expectConfigInvalid(error, "rules[0] has no condition");
			expect((error as { hint: string }).hint).toContain("defaultChain");
		}
		expect(
			thrown(router({ models: { m: m() }, rules: [{ task: "t", use: "m" }] })),
		).toBeUndefined();
	});

	it("usage that is not a UsageTracker is refused at construction (the first call failed 'record is not a function')", async () => {
		const { UsageTracker } = await import("@weft/models");
		for (const usage of [{}, 5, null])
			expectConfigInvalid(
				thrown(router({ models: { m: m() }, usage })),
				"usage must be a UsageTracker",
			);
		expect(
			thrown(router({ models: { m: m() }, usage: new UsageTracker() })),
		).toBeUndefined();
	});

	it("trimByTokens and summarizeMessages refuse a misspelt option (keepLastTurn kept every turn)", async () => {
		const { trimByTokens, summarizeMessages } = await import("@weft/models");
		const { HumanMessage } = await import("@langchain/core/messages");
		const history = [new HumanMessage("a"), new HumanMessage("b")];
		const trim = await trimByTokens(history, {
			maxTokens: 1000,
			keepLastTurn: 1,
		} as never).catch((e: unknown) => e);
		expectConfigInvalid(
			trim,
			'trimByTokens options has no option "keepLastTurn"',
		);
		expect((trim as { hint: string }).hint).toContain(
			"did you mean keepLastTurns?",
		);
		const sum = await summarizeMessages(history, {
			maxTokens: 1000,
			model: m(),
			prefx: "x",
		} as never).catch((e: unknown) => e);
		expectConfigInvalid(sum, 'summarizeMessages options has no option "prefx"');
		const bad = await trimByTokens(history, {
			maxTokens: 1000,
			keepSystem: "no",
		} as never).catch((e: unknown) => e);
		expectConfigInvalid(bad, "keepSystem must be true or false");
		const ok = await trimByTokens(history, {
			maxTokens: 1000,
			keepLastTurns: 1,
		});
		expect(ok.messages).toHaveLength(1);
	});

	it("missing or non-model models", () => {
		expectConfigInvalid(
			thrown(() => new (ModelRouter as never as new () => unknown)()),
			"options",
		);
		expectConfigInvalid(thrown(router({})), "models");
		expectConfigInvalid(thrown(router({ models: { a: null } })), 'models["a"]');
		expectConfigInvalid(thrown(router({ models: { a: 42 } })), 'models["a"]');
		expectConfigInvalid(
			thrown(router({ models: { a: { model: "gpt-4o" } } })),
			'models["a"].model',
		);
		const none = thrown(router({ models: {} }));
		expectConfigInvalid(none, "at least one model");
	});

	it("deployments and balancing", () => {
		const cases: [Record<string, unknown>, string][] = [
			[{ deployments: [{ model: m() }] }, "has no name"],
			[{ deployments: [{ name: "x", model: {} }] }, "deployments[0].model"],
			[
				{
					deployments: [{ name: "x", model: m() }],
					balance: { strategy: "random" },
				},
				"balance.strategy",
			],
			[
				{
					deployments: [{ name: "x", model: m() }],
					balance: { circuit: { failureThreshold: 0 } },
				},
				"failureThreshold",
			],
			[
				{
					deployments: [
						{ name: "x", model: m(), rateLimits: { maxConcurrency: 0 } },
					],
				},
				"maxConcurrency",
			],
		];
		for (const [entry, mentions] of cases)
			expectConfigInvalid(thrown(router({ models: { gpt: entry } })), mentions);
	});

	it("rules and entry features of the wrong shape", () => {
		// maxInputTokens: NaN matched every call; task: 5 matched none; requires: "tools" was a TypeError
		// on the first call; use: [] was NO_ROUTE on every call that matched
		const cases: [unknown, string][] = [
			[null, "rules[0]"],
			[{ maxInputTokens: Number.NaN, use: "m" }, "rules[0].maxInputTokens"],
			[{ minInputTokens: -1, use: "m" }, "rules[0].minInputTokens"],
			[{ task: 5, use: "m" }, "rules[0].task"],
			[{ task: ["a", 5], use: "m" }, "rules[0].task"],
			[{ task: [], use: "m" }, "rules[0].task"],
			[{ requires: "tools", use: "m" }, "rules[0].requires"],
			[{ task: "a", use: [] }, "rules[0].use"],
			[{ task: "a", use: 5 }, "rules[0].use"],
			[{ task: "a", name: 5, use: "m" }, "rules[0].name"],
		];
		for (const [rule, mentions] of cases)
			expectConfigInvalid(
				thrown(router({ models: { m: m() }, rules: [rule] })),
				mentions,
			);
		for (const features of ["tools", [5]])
			expectConfigInvalid(
				thrown(router({ models: { m: { model: m(), features } } })),
				'models["m"].features',
			);
	});

	it("a per-call maxWaitMs below 0 is refused before anything is sent", async () => {
		const model = m();
		const r = new ModelRouter({ models: { model } });
		const error = await r.invoke("hi", { maxWaitMs: -1 }).catch((e) => e);
		expectConfigInvalid(error, "maxWaitMs");
		expect(model.calls).toHaveLength(0);
	});

	it("per-call task, requires, threadId and cache of the wrong type are refused before anything is sent", async () => {
		// `requires: "vision"` was spread into ["v", "i", …] and the call failed with NO_ROUTE "lacks v".
		const cases: [Record<string, unknown>, string][] = [
			[{ requires: "vision" }, "requires"],
			[{ requires: [5] }, "requires"],
			[{ task: 5 }, "task"],
			[{ threadId: 7 }, "threadId"],
			[{ cache: "yes" }, "cache"],
		];
		for (const [options, mentions] of cases) {
			const model = m();
			const r = new ModelRouter({
				models: { model },
				rateLimiters: new RateLimiterRegistry(),
			});
			const error = await r.invoke("hi", options as never).catch((e) => e);
			expectConfigInvalid(error, mentions);
			expect(model.calls).toHaveLength(0);
		}
	});

	it("a cache store without get/set/delete/clear functions is refused at construction", () => {
		// it failed on the first call with "cfg.cache.store.get is not a function" and no hint
		expectConfigInvalid(
			thrown(router({ models: { m: m() }, cache: { store: {} } })),
			"cache.store",
		);
		expectConfigInvalid(
			thrown(router({ models: { m: m() }, cache: { store: null } })),
			"cache.store",
		);
	});

	it("rate limiters, cache stores and guards", () => {
		expectConfigInvalid(
			thrown(() =>
				new RateLimiterRegistry().get("k", { requestsPerMinute: -1 }),
			),
			"requestsPerMinute",
		);
		expectConfigInvalid(
			thrown(() => new MemoryCacheStore({ maxEntries: 0 })),
			"maxEntries",
		);
		expectConfigInvalid(
			thrown(() => new MemoryCacheStore({ ttlMs: -1 })),
			"ttlMs",
		);
	});

	it("a cache store's set refuses a ttlMs that is not a number > 0 (0 and NaN kept the entry for ever)", async () => {
		const store = new MemoryCacheStore();
		const { cachedResponse } = await import("./fake-model.ts");
		for (const ttlMs of [0, -1, Number.NaN]) {
			const error = await store.set("k", cachedResponse, ttlMs).catch((e) => e);
			expectConfigInvalid(error, "ttlMs");
		}
		expect(await store.get("k")).toBeUndefined();
		expectConfigInvalid(
			thrown(() => maxLengthGuard({ maxChars: 0 })),
			"maxChars",
		);
		expectConfigInvalid(
			thrown(() => blockedTopicsGuard({ classifier: m(), topics: [] })),
			"topics",
		);
		expectConfigInvalid(
			thrown(() =>
				blockedTopicsGuard({ classifier: undefined as never, topics: ["x"] }),
			),
			"classifier",
		);
	});
});

describe("guards, limits and call tools that would silently do nothing are CONFIG_INVALID", () => {
	it("a guard option misspelt (maxLengthGuard's stage checked the input when the output was meant)", async () => {
		const {
			piiGuard,
			patternGuard,
			structuredOutputGuard,
			toolAllowListGuard,
		} = await import("@weft/models");
		const { z } = await import("zod");
		const cases: [() => unknown, string, string][] = [
			[
				() => maxLengthGuard({ maxChars: 10, stage: ["output"] } as never),
				'maxLengthGuard has no option "stage"',
				"stages",
			],
			[
				() =>
					blockedTopicsGuard({
						classifier: m(),
						topics: ["x"],
						refusl: "no",
					} as never),
				'blockedTopicsGuard has no option "refusl"',
				"refusal",
			],
			[
				() => piiGuard({ detct: ["email"] } as never),
				'piiGuard has no option "detct"',
				"detect",
			],
			[
				() =>
					patternGuard([{ kind: "x", pattern: /x/g }], {
						role: ["human"],
					} as never),
				'patternGuard has no option "role"',
				"roles",
			],
			[
				() =>
					structuredOutputGuard({
						schema: z.object({}),
						repiar: false,
					} as never),
				'structuredOutputGuard has no option "repiar"',
				"repair",
			],
			[
				() => toolAllowListGuard({ allow: [], acton: "block" } as never),
				'toolAllowListGuard has no option "acton"',
				"action",
			],
		];
		for (const [make, mentions, meant] of cases) {
			const error = thrown(make);
			expectConfigInvalid(error, mentions);
			expect((error as { hint: string }).hint).toContain(
				`did you mean ${meant}?`,
			);
		}
		expect(piiGuard({ detect: ["email"], stages: ["input"] }).stages).toEqual([
			"input",
		]);
	});

	it("piiGuard with a `detect` kind it does not know, or none, is refused (it redacted nothing)", async () => {
		const { piiGuard } = await import("@weft/models");
		expectConfigInvalid(
			thrown(() => piiGuard({ detect: ["emails"] as never })),
			'"emails"',
		);
		expectConfigInvalid(
			thrown(() => piiGuard({ detect: "email" as never })),
			"detect",
		);
		expectConfigInvalid(
			thrown(() => piiGuard({ detect: [] })),
			"detect",
		);
	});

	it("patternGuard without detectors, or with one that is no { kind, pattern: RegExp }, is refused at construction", async () => {
		// it failed each call with GUARDRAIL_TRIPPED "detectors is not iterable"
		const { patternGuard } = await import("@weft/models");
		for (const bad of [
			undefined,
			{ patterns: "x" },
			[],
			[{ kind: "secret", pattern: "secret" }],
			[{ pattern: /secret/g }],
			[null],
		])
			expectConfigInvalid(
				thrown(() => patternGuard(bad as never)),
				"patternGuard",
			);
	});

	it('a pattern guard\'s roles must be message types ("user" matched no message)', async () => {
		const { piiGuard } = await import("@weft/models");
		expectConfigInvalid(
			thrown(() => piiGuard({ roles: ["user"] })),
			'"user"',
		);
		expectConfigInvalid(
			thrown(() => piiGuard({ roles: "human" as never })),
			"roles",
		);
	});

	it("structuredOutputGuard without a zod schema is refused (it blocked every answer)", async () => {
		const { structuredOutputGuard } = await import("@weft/models");
		for (const schema of [undefined, { type: "object" }])
			expectConfigInvalid(
				thrown(() => structuredOutputGuard({ schema } as never)),
				"schema",
			);
		expectConfigInvalid(
			thrown(() => structuredOutputGuard(undefined as never)),
			"schema",
		);
	});

	it("rate limits with a key it does not know are refused (a typo left the model unlimited)", () => {
		expectConfigInvalid(
			thrown(
				router({
					models: { m: { model: m(), rateLimits: { maxConcurency: 1 } } },
				}),
			),
			'models["m"].rateLimits.maxConcurency',
		);
		expectConfigInvalid(
			thrown(() => new RateLimiterRegistry().get("k", { rpm: 60 } as never)),
			"rpm",
		);
	});

	it("per-call tools that are not a list of tools are refused before anything is sent", async () => {
		for (const tools of [{}, "search", [null], [5]]) {
			const model = m();
			const r = new ModelRouter({
				models: { model },
				rateLimiters: new RateLimiterRegistry(),
			});
			const error = await r.invoke("hi", { tools } as never).catch((e) => e);
			expectConfigInvalid(error, "tools");
			expect(model.calls).toHaveLength(0);
		}
	});
});

describe("a wrong argument is CONFIG_INVALID with a hint, not a raw TypeError", () => {
	it("router.invoke and router.stream with no text, messages or prompt value", async () => {
		const r = router({ models: { m: m() } })() as ModelRouter;
		for (const input of [null, 42, undefined]) {
			const error = await r.invoke(input as never).catch((e: unknown) => e);
			expectConfigInvalid(error, "ModelRouter was called with");
			const streamed = await r.stream(input as never).catch((e: unknown) => e);
			expectConfigInvalid(streamed, "ModelRouter was called with");
		}
		expect((await r.invoke("hi")).content).toBe("ok");
	});

	it("findPrice and tokenCounterFor without a model name", async () => {
		const { findPrice, tokenCounterFor } = await import("@weft/models");
		expectConfigInvalid(
			thrown(() => findPrice(undefined as never)),
			"findPrice needs a model name, got undefined",
		);
		expectConfigInvalid(
			thrown(() => tokenCounterFor(5 as never)),
			"tokenCounterFor needs a model name, got 5",
		);
		expect(findPrice("gpt-4o-mini")).toBeDefined();
	});
});

describe("how a wrong option's value is named", () => {
	it("says 'an object', not 'a object'", async () => {
		const { describe: named } = await import("../src/config-check.ts");
		expect(named({})).toBe("an object");
		expect(named([])).toBe("an array");
		expect(named(1n)).toBe("a bigint");
	});
});
