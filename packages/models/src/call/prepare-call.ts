import { randomUUID } from "node:crypto";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import type {
	BindToolsInput,
	ToolChoice,
} from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import {
	checkNumber,
	configInvalid,
	describe,
	isStringList,
} from "../config-check.ts";
import { summarizeChecked } from "../context/summarize-messages.ts";
import {
	checkMessages,
	type TrimResult,
	trimChecked,
} from "../context/trim-by-tokens.ts";
import { runGuards } from "../guardrails/guard.ts";
import type { ModelRouterCallOptions } from "../model-router-options.ts";
import type { ModelFeature } from "../routing/model-entry.ts";
import { type RouteDecision, routeCall } from "../routing/route.ts";
import { estimateTokens } from "../usage/token-counter.ts";
import {
	modelIdOf,
	recordSideCall,
	type SideCall,
	sideCalls,
} from "./finish-call.ts";
import { hasImages } from "./message-parts.ts";
import type { Emit, ResolvedConfig } from "./resolved-config.ts";
import { guardModelCall, sideCall } from "./side-call.ts";
import { toolName } from "./tools.ts";

/** A call after input guards, the context hook and routing: what the chain sends. */
export interface PreparedCall {
	callId: string;
	task: string | undefined;
	messages: BaseMessage[];
	decision: RouteDecision;
	inputTokens: number;
	tools: BindToolsInput[];
	toolChoice: ToolChoice | undefined;
	/** Call options passed on to the models (stop, provider-specific ones). */
	passthrough: Record<string, unknown>;
	signal: AbortSignal | undefined;
	maxWaitMs: number | undefined;
	cacheOverride: boolean | undefined;
	/** For sticky-thread balancing. */
	threadId: string | undefined;
	/** Model calls made for this one so far (summariser, guards' classifiers): see `recordSideCall`. */
	sideCalls: SideCall[];
	/** The router's run in the caller's LangChain callbacks: each attempt is a run under it (decision 0132). */
	parentRun?: CallbackManagerForLLMRun | undefined;
}

const OWN_KEYS = new Set([
	"tools",
	"tool_choice",
	"task",
	"requires",
	"maxCostUsd",
	"cache",
	"maxWaitMs",
	"threadId",
	"signal",
	"timeout",
	"maxConcurrency",
	"callbacks",
	"metadata",
	"tags",
	"runName",
	"runId",
	"configurable",
	"recursionLimit",
	// BaseChatModel adds the prompt's index in a batch to `invoke` (not to `stream`): not part of the request.
	"promptIndex",
]);

async function applyContext(
	cfg: ResolvedConfig,
	messages: BaseMessage[],
	call: Pick<PreparedCall, "callId" | "sideCalls" | "parentRun" | "threadId">,
	emit: Emit,
	signal: AbortSignal | undefined,
) {
	const { callId } = call;
	const ctx = cfg.context;
	if (ctx === undefined) return messages;
	let result: TrimResult;
	if (ctx.summarize === undefined) result = await trimChecked(messages, ctx);
	else {
		const summariser = ctx.summarize.model;
		const summarized = await summarizeChecked(messages, {
			...ctx,
			...ctx.summarize,
			// under the router's retry policy, its last failure a ModelError naming it (decision 0228)
			model: {
				invoke: (input, options) =>
					sideCall(
						cfg,
						"the summariser model",
						signal,
						(side) => summariser.invoke(input, { ...options, ...side }),
						{
							emit,
							callId,
							model: modelIdOf(summariser, "summarizer"),
							route: "context.summarize",
							parentRun: call.parentRun,
							chatModel: summariser,
							threadId: call.threadId,
						},
					),
			},
			signal,
		});
		if (summarized.summaryUsage !== undefined)
			recordSideCall(
				cfg,
				ctx.summarize.model,
				summarized.summaryUsage,
				call,
				emit,
				"context.summarize",
				"summarizer",
			);
		result = summarized;
	}
	if (result.removed.length > 0) {
		emit({
			type: "context",
			callId,
			tokensBefore: result.tokensBefore,
			tokensAfter: result.tokensAfter,
			removedMessages: result.removed.length,
			summarized: ctx.summarize !== undefined,
		});
	}
	return result.messages;
}

/** The router's own call options of the wrong type: a string `requires` was spread into letters. */
function checkCallOptions(options: Partial<ModelRouterCallOptions>): void {
	for (const key of ["task", "threadId"] as const) {
		const v: unknown = options[key];
		if (v !== undefined && typeof v !== "string")
			throw configInvalid(
				`the call's ${key} must be a string, got ${describe(v)}`,
				`pass ${key} as a string, or leave it out`,
			);
	}
	const requires: unknown = options.requires;
	if (requires !== undefined && !isStringList(requires))
		throw configInvalid(
			`the call's requires must be a list of feature names, got ${describe(requires)}`,
			'pass requires as a list, like ["tools", "vision"], or leave it out',
		);
	const tools: unknown = options.tools;
	if (
		tools !== undefined &&
		(!Array.isArray(tools) ||
			tools.some((t) => t === null || typeof t !== "object"))
	)
		throw configInvalid(
			`the call's tools must be a list of tools, got ${Array.isArray(tools) ? `${describe(tools.find((t) => t === null || typeof t !== "object"))} in it` : describe(tools)}`,
			"pass tools as a list of LangChain tools (or tool definitions), like { tools: [search] }, or leave it out",
		);
	const cache: unknown = options.cache;
	if (cache !== undefined && typeof cache !== "boolean")
		throw configInvalid(
			`the call's cache must be true or false, got ${describe(cache)}`,
			"pass cache: false to skip the cache, true to cache at any temperature, or leave it out",
		);
}

/** Input guards, pre-model hook, context, tool allow-lists, then the route. */
export async function prepareCall(
	cfg: ResolvedConfig,
	input: BaseMessage[],
	options: Partial<ModelRouterCallOptions>,
	emit: Emit,
	parentRun?: CallbackManagerForLLMRun | undefined,
): Promise<PreparedCall> {
	// Call options are checked before anything runs: a bad one is the caller's mistake, not the model's.
	checkNumber(options.maxWaitMs, "the call's maxWaitMs", { timer: true });
	checkNumber(options.maxCostUsd, "the call's maxCostUsd");
	checkCallOptions(options);
	const callId = randomUUID();
	const side = {
		callId,
		sideCalls: [] as SideCall[],
		parentRun,
		threadId: options.threadId,
	};
	const task = options.task;
	let messages = (
		await runGuards(
			cfg.guards,
			{
				stage: "input",
				messages: input,
				signal: options.signal,
				countCall: sideCalls(cfg, side, emit),
				callModel: guardModelCall(cfg, options.signal, side, emit),
			},
			emit,
			callId,
		)
	).messages;
	if (cfg.preModelHook !== undefined) {
		messages = await cfg.preModelHook(messages, { callId, task });
		checkMessages(messages, "what preModelHook returned");
	}
	messages = await applyContext(cfg, messages, side, emit, options.signal);
	let tools = options.tools ?? [];
	for (const g of cfg.guards) {
		const allowed = g.allowedTools;
		if (allowed !== undefined)
			tools = tools.filter((t) => allowed.includes(toolName(t) ?? ""));
	}
	const features: ModelFeature[] = [...(options.requires ?? [])];
	if (tools.length > 0 && !features.includes("tools")) features.push("tools");
	if (hasImages(messages) && !features.includes("vision"))
		features.push("vision");
	const inputTokens = await (cfg.tokenCounter ?? estimateTokens)(messages);
	const routed = routeCall(
		{
			messages,
			task,
			inputTokens,
			features,
			maxCostUsd: options.maxCostUsd,
			expectedOutputTokens: cfg.expectedOutputTokens,
		},
		cfg,
	);
	// awaited only when the route function answered with a promise
	const decision = routed instanceof Promise ? await routed : routed;
	emit({
		type: "route",
		callId,
		rule: decision.rule,
		models: decision.models,
		task,
		inputTokens,
		features,
	});
	const passthrough: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(options))
		if (!OWN_KEYS.has(k) && v !== undefined) passthrough[k] = v;
	return {
		callId,
		task,
		messages,
		decision,
		inputTokens,
		tools,
		toolChoice: options.tool_choice,
		passthrough,
		signal: options.signal,
		maxWaitMs: options.maxWaitMs,
		cacheOverride: options.cache,
		threadId: options.threadId,
		sideCalls: side.sideCalls,
		parentRun,
	};
}
