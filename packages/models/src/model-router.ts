import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type { BaseLanguageModelInput } from "@langchain/core/language_models/base";
import {
	BaseChatModel,
	type BindToolsInput,
} from "@langchain/core/language_models/chat_models";
import type { AIMessageChunk, BaseMessage } from "@langchain/core/messages";
import type { ChatGenerationChunk, ChatResult } from "@langchain/core/outputs";
import type { Runnable, RunnableConfig } from "@langchain/core/runnables";
import { IterableReadableStream } from "@langchain/core/utils/stream";
import { ConfigError } from "@weft/checkpoint";
import type { DeploymentStatus } from "./balance/deployment.ts";
import { DeploymentPool } from "./balance/deployment-pool.ts";
import { MemoryCacheStore } from "./cache/response-cache-store.ts";
import { CACHE_READ_TIMEOUT_MS } from "./call/cache-step.ts";
import { type SideCall, sideCallOf } from "./call/finish-call.ts";
import { answerText } from "./call/message-parts.ts";
import { prepareCall } from "./call/prepare-call.ts";
import type { Emit, ResolvedConfig } from "./call/resolved-config.ts";
import { runCall } from "./call/run-call.ts";
import { streamCall } from "./call/stream-call.ts";
import { checkRouterOptions } from "./check-router-options.ts";
import { configInvalid, describe } from "./config-check.ts";
import { toWeftError, withSpent } from "./errors.ts";
import { MODEL_EVENT_NAME, type ModelEventListener } from "./events.ts";
import type {
	ModelRouterCallOptions,
	ModelRouterOptions,
} from "./model-router-options.ts";
import { sharedRateLimiters } from "./resilience/rate-limiter.ts";
import { toEntries } from "./routing/model-entry.ts";
import { onSpan } from "./span-events.ts";
import { LIST_PRICES } from "./usage/prices.ts";
import { UsageTracker } from "./usage/usage-tracker.ts";

function resolve(options: ModelRouterOptions): ResolvedConfig {
	checkRouterOptions(options);
	const entries = toEntries(options.models);
	const names = Object.keys(entries);
	if (names.length === 0)
		throw new ConfigError(
			"CONFIG_INVALID",
			"ModelRouter needs at least one model in `models`",
			{ hint: "new ModelRouter({ models: { name: chatModel } })" },
		);
	const defaultChain = options.defaultChain ?? names;
	const named = [
		...defaultChain,
		...(options.rules ?? []).flatMap((r) =>
			Array.isArray(r.use) ? r.use : [r.use],
		),
	];
	for (const n of named) {
		if (entries[n] === undefined) {
			throw new ConfigError(
				"CONFIG_INVALID",
				`ModelRouter: a rule or the default chain names "${n}", which is not in \`models\``,
				{
					hint: `add it to models, or use one of: ${names.join(", ")}`,
				},
			);
		}
	}
	const cache =
		options.cache === undefined || options.cache === false
			? undefined
			: {
					store:
						(options.cache === true ? undefined : options.cache.store) ??
						new MemoryCacheStore(),
					ttlMs: options.cache === true ? undefined : options.cache.ttlMs,
					allowNonZeroTemperature:
						options.cache !== true &&
						options.cache.allowNonZeroTemperature === true,
					readTimeoutMs:
						(options.cache === true
							? undefined
							: options.cache.readTimeoutMs) ?? CACHE_READ_TIMEOUT_MS,
				};
	const limiters = options.rateLimiters ?? sharedRateLimiters;
	const clock = options.clock ?? (() => performance.now());
	const pools: Record<string, DeploymentPool> = {};
	for (const [name, entry] of Object.entries(entries)) {
		// Taken now so that a clash with another user of the key is refused here, not at some later call.
		if (entry.rateLimits !== undefined)
			limiters.get(entry.rateLimitKey ?? name, entry.rateLimits);
		if (entry.deployments !== undefined)
			pools[name] = new DeploymentPool(
				name,
				entry.deployments,
				entry.balance ?? {},
				limiters,
				clock,
			);
	}
	return {
		pools,
		clock,
		entries,
		rules: options.rules ?? [],
		route: options.route,
		defaultChain,
		policy: options.errorPolicy ?? {},
		retry: options.retry ?? {},
		timeoutMs: options.timeoutMs,
		streamIdleTimeoutMs: options.streamIdleTimeoutMs,
		limiters,
		cache,
		prices: options.prices ?? LIST_PRICES,
		usage: options.usage ?? new UsageTracker(),
		context: options.context,
		preModelHook: options.preModelHook,
		guards: options.guards ?? [],
		tokenCounter: options.tokenCounter,
		expectedOutputTokens: options.expectedOutputTokens ?? 500,
		random: options.random ?? Math.random,
	};
}

/**
 * A LangChain chat model that routes each call to one of several models, with fallback, retries,
 * rate limits, a response cache, usage and cost, context trimming and guardrails. Plugs in wherever
 * a `@langchain/core` chat model does (`llmNode`, `createAgent`, LCEL).
 * @example
 * const model = new ModelRouter({
 *   models: { fast: { model: cheap, temperature: 0 }, strong: { model: big, temperature: 0 } },
 *   rules: [{ task: "summarise", use: ["fast", "strong"] }],
 *   defaultChain: ["strong", "fast"],
 *   cache: true,
 * });
 * const answer = await model.invoke("hi", { task: "summarise" });
 * answer.response_metadata.weft; // { model, costUsd, cache, route, attempts, … }
 */
export class ModelRouter extends BaseChatModel<
	ModelRouterCallOptions,
	AIMessageChunk
> {
	/** Running totals of this router's calls. */
	readonly usage: UsageTracker;
	readonly #cfg: ResolvedConfig;
	readonly #onEvent: ModelEventListener | undefined;

	constructor(options: ModelRouterOptions) {
		super({});
		this.#cfg = resolve(options);
		this.usage = this.#cfg.usage;
		this.#onEvent = options.onEvent;
	}

	static override lc_name(): string {
		return "ModelRouter";
	}

	_llmType(): string {
		return "weft-model-router";
	}

	/** The names of the models this router may use. */
	get modelNames(): string[] {
		return Object.keys(this.#cfg.entries);
	}

	/** Circuit, load and latency of each deployment of each balanced model, now. */
	deploymentStatus(): Record<string, DeploymentStatus[]> {
		return Object.fromEntries(
			Object.entries(this.#cfg.pools).map(([name, pool]) => [
				name,
				pool.status(),
			]),
		);
	}

	override bindTools(
		tools: BindToolsInput[],
		kwargs?: Partial<ModelRouterCallOptions>,
	): Runnable<BaseLanguageModelInput, AIMessageChunk, ModelRouterCallOptions> {
		return this.withConfig({
			...kwargs,
			tools,
		} as Partial<ModelRouterCallOptions>);
	}

	/** Lifts `metadata.task` (or `metadata.weft_task`) and `configurable.thread_id` into the call options. */
	protected override _separateRunnableConfigFromCallOptionsCompat(
		options?: Partial<ModelRouterCallOptions>,
	): [RunnableConfig, this["ParsedCallOptions"]] {
		const [config, call] = super._separateRunnableConfigFromCallOptionsCompat(
			options,
		);
		const fromMetadata = config.metadata?.weft_task ?? config.metadata?.task;
		const parsed = call as Partial<ModelRouterCallOptions>;
		if (parsed.task === undefined && typeof fromMetadata === "string")
			parsed.task = fromMetadata;
		const thread = config.configurable?.thread_id ?? config.metadata?.thread_id;
		if (parsed.threadId === undefined && typeof thread === "string")
			parsed.threadId = thread;
		return [config, call];
	}

	/** The call's events to their listeners; its usage events also into `spent` (see `withSpent`). */
	#emitter(
		runManager: CallbackManagerForLLMRun | undefined,
		spent: SideCall[],
	): Emit {
		return (event) => {
			if (event.type === "usage") spent.push(sideCallOf(event));
			this.#onEvent?.(event);
			onSpan(event); // telemetry (issues 13, 16)
			// Custom events reach streamEvents and callback handlers; a handler's failure is theirs.
			runManager?.handleCustomEvent(MODEL_EVENT_NAME, event).catch(() => {});
		};
	}

	override async _generate(
		messages: BaseMessage[],
		options: this["ParsedCallOptions"],
		runManager?: CallbackManagerForLLMRun,
	): Promise<ChatResult> {
		const spent: SideCall[] = [];
		const emit = this.#emitter(runManager, spent);
		try {
			const call = await prepareCall(
				this.#cfg,
				messages,
				options,
				emit,
				runManager,
			);
			const message = await runCall(this.#cfg, call, emit);
			return { generations: [{ text: answerText(message), message }] };
		} catch (error) {
			throw withSpent(toWeftError(error, options.signal), spent);
		}
	}

	/** Refuses an input that is no text, message list or prompt value (null and 42 were raw TypeErrors). */
	override invoke(
		input: BaseLanguageModelInput,
		options?: Partial<ModelRouterCallOptions>,
	): Promise<AIMessageChunk> {
		// not async: no frame or tick more on every call (perf, issue 17)
		if (!isModelInput(input)) return Promise.reject(badInput(input));
		return super.invoke(input, options);
	}

	/**
	 * `@langchain/core` races each chunk of `stream()` with the call's signal and throws the abort's reason
	 * (or its own AbortError) itself, before `_streamResponseChunks` can say so: a cancelled stream is
	 * RUN_CANCELLED, as a cancelled `invoke` is.
	 */
	override async stream(
		input: BaseLanguageModelInput,
		options?: Partial<ModelRouterCallOptions>,
	): Promise<IterableReadableStream<AIMessageChunk>> {
		const signal = options?.signal;
		if (!isModelInput(input)) throw badInput(input);
		let chunks: IterableReadableStream<AIMessageChunk>;
		try {
			chunks = await super.stream(input, options);
		} catch (error) {
			throw toWeftError(error, signal);
		}
		return IterableReadableStream.fromAsyncGenerator(
			(async function* () {
				try {
					yield* chunks;
				} catch (error) {
					throw toWeftError(error, signal);
				}
			})(),
		);
	}

	override async *_streamResponseChunks(
		messages: BaseMessage[],
		options: this["ParsedCallOptions"],
		runManager?: CallbackManagerForLLMRun,
	): AsyncGenerator<ChatGenerationChunk> {
		const spent: SideCall[] = [];
		const emit = this.#emitter(runManager, spent);
		try {
			const call = await prepareCall(
				this.#cfg,
				messages,
				options,
				emit,
				runManager,
			);
			yield* streamCall(this.#cfg, call, emit, runManager);
		} catch (error) {
			throw withSpent(toWeftError(error, options.signal), spent);
		}
	}
}

/** What a chat model takes: text, a list of messages (or message-likes), or a prompt value. */
function isModelInput(input: unknown): boolean {
	return (
		typeof input === "string" ||
		Array.isArray(input) ||
		(typeof input === "object" &&
			input !== null &&
			typeof (input as { toChatMessages?: unknown }).toChatMessages ===
				"function")
	);
}

function badInput(input: unknown): ConfigError {
	return configInvalid(
		`ModelRouter was called with ${describe(input)}, not a model input`,
		'pass text (router.invoke("hi")), a list of messages ([new HumanMessage("hi")]) or a prompt value',
	);
}
