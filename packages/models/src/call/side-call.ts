import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { isWeftError } from "@weft/checkpoint";
import { type AttemptFailure, ModelError } from "../errors.ts";
import type { GuardContext, SideCallOptions } from "../guardrails/guard.ts";
import { backoffDelay, sleep } from "../resilience/backoff.ts";
import {
	decideAction,
	describeError,
	type ErrorInfo,
} from "../resilience/classify-error.ts";
import { childCallbacks } from "./attempt-run.ts";
import { modelIdOf } from "./finish-call.ts";
import type { Emit, ResolvedConfig } from "./resolved-config.ts";
import {
	endSideCallSpan,
	failSideCallSpan,
	startSideCallSpan,
	withSpan,
} from "./side-call-span.ts";

/** Whom a side call's retry events go to, naming it as its usage does (decision 0244). */
export interface SideCallEvents {
	emit: Emit;
	callId: string;
	/** The side call's model id. */
	model: string;
	/** Its route: "context.summarize", "guard.<name>". */
	route: string;
	/** The router's run: each attempt of the side call is a chat model run under it (API.md: callbacks). */
	parentRun?: CallbackManagerForLLMRun | undefined;
	/** The side model itself (its provider goes on the side call's span). */
	chatModel?: unknown;
	/** The call's thread, for the span's `gen_ai.conversation.id`. */
	threadId?: string | undefined;
}

/**
 * A call the router makes for a call (the summariser's, a guard's classifier's), under the router's
 * `retry` and `errorPolicy` as a main call's attempts are (decision 0228): a 429, 5xx, timeout or network
 * error is retried after a backoff (a Retry-After honoured), aborted with the call's `signal`. Its last
 * failure is a ModelError naming `what` ("the summariser model"), not a bare NODE_FAILED. A side call
 * has no fallback model: a "fallback" ends it as a "fail" does.
 */
export async function sideCall<T>(
	cfg: Pick<ResolvedConfig, "policy" | "retry" | "random" | "prices">,
	what: string,
	signal: AbortSignal | undefined,
	run: (options: SideCallOptions) => Promise<T>,
	events?: SideCallEvents,
): Promise<T> {
	if (events === undefined) return attempts(cfg, what, signal, run, undefined);
	// a `chat {model}` span of its own, active over its attempts and retries (decision 0255)
	const info = {
		model: events.model,
		route: events.route,
		chatModel: events.chatModel,
		threadId: events.threadId,
	};
	const span = startSideCallSpan(info);
	const tries = { n: 0 };
	try {
		const answer = await withSpan(span, () =>
			attempts(cfg, what, signal, run, events, tries),
		);
		endSideCallSpan(span, info, answer, tries.n, cfg.prices);
		return answer;
	} catch (error) {
		failSideCallSpan(span, error, tries.n);
		throw error;
	}
}

/** The side call's attempts, under the router's retry policy; `tries.n` counts them. */
async function attempts<T>(
	cfg: Pick<ResolvedConfig, "policy" | "retry" | "random">,
	what: string,
	signal: AbortSignal | undefined,
	run: (options: SideCallOptions) => Promise<T>,
	events: SideCallEvents | undefined,
	tries = { n: 0 },
): Promise<T> {
	const parent = events?.parentRun;
	const options = (): SideCallOptions =>
		parent === undefined || parent.handlers.length === 0
			? {}
			: {
					callbacks: childCallbacks(parent, {
						weft_side_call: events?.route,
					}),
				};
	const maxRetries = cfg.retry.maxRetries ?? 2;
	const failures: AttemptFailure[] = [];
	for (let r = 0; ; r++) {
		try {
			tries.n = r + 1;
			return await run(options());
		} catch (error) {
			if (signal?.aborted === true || isWeftError(error)) throw error;
			const info = describeError(error);
			failures.push({
				// the model's id, as the retry events and the usage name it; `what` is for the message (decision 0263)
				model: events?.model ?? what,
				attempt: r + 1,
				kind: info.kind,
				status: info.status,
				message: info.message,
			});
			const action = decideAction(error, info, cfg.policy, r < maxRetries);
			const delay =
				action === "retry"
					? backoffDelay(r + 1, cfg.retry, info.retryAfterMs, cfg.random)
					: undefined;
			if (delay === undefined)
				throw sideCallError(
					what,
					error,
					info,
					failures,
					action === "retry",
					events?.model,
				);
			events?.emit({
				type: "retry",
				callId: events.callId,
				model: events.model,
				sideCall: events.route,
				attempt: r + 1,
				delayMs: delay,
				retryAfterMs: info.retryAfterMs,
				error: { kind: info.kind, status: info.status, message: info.message },
			});
			await sleep(delay, signal);
		}
	}
}

function sideCallError(
	what: string,
	cause: unknown,
	info: ErrorInfo,
	attempts: AttemptFailure[],
	tooLong: boolean,
	model: string | undefined,
): ModelError {
	const reason =
		info.kind === "bad_request" ||
		info.kind === "not_found" ||
		info.kind === "context_length"
			? "MODEL_REQUEST_INVALID"
			: info.kind === "timeout"
				? "MODEL_TIMEOUT"
				: "MODEL_UNAVAILABLE";
	const tries =
		attempts.length === 1 ? "1 attempt" : `${attempts.length} attempts`;
	return new ModelError(
		reason,
		`${what} failed (${tries}), so the call was not made: ${info.message}`,
		{
			model,
			attempts,
			cause,
			hint:
				info.kind === "auth"
					? `check the credentials (API key, permissions) of ${what}`
					: info.kind === "context_length"
						? `shorten what ${what} is given, or give it a model with a larger context window`
						: reason === "MODEL_REQUEST_INVALID"
							? `fix ${what} or what it is asked (it refused the request)`
							: tooLong
								? `the server asked ${what} to wait longer than retry.maxRetryAfterMs (default 60 s): raise it, or try again later`
								: `${what} is called with the router's retry and errorPolicy: raise retry.maxRetries, use a steadier model for it, or try again later`,
		},
	);
}

/** `GuardContext.callModel`: a guard's own model call as a side call naming the guard. */
export function guardModelCall(
	cfg: Pick<ResolvedConfig, "policy" | "retry" | "random" | "prices">,
	signal: AbortSignal | undefined,
	{
		callId,
		parentRun,
		threadId,
	}: {
		callId: string;
		parentRun?: CallbackManagerForLLMRun | undefined;
		threadId?: string | undefined;
	},
	emit: Emit,
): NonNullable<GuardContext["callModel"]> {
	return (guard, call, model) =>
		sideCall(cfg, `the classifier model of guard "${guard}"`, signal, call, {
			emit,
			callId,
			model: modelIdOf(model, "classifier"),
			route: `guard.${guard}`,
			parentRun,
			chatModel: model,
			threadId,
		});
}
