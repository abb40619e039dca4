import type { BalanceChoice, CircuitState } from "./balance/deployment.ts";
import type { GuardFinding, ModelErrorKind } from "./errors.ts";
import type { CallUsage } from "./usage/usage-tracker.ts";

/** A provider error as events show it. */
export interface EventError {
	kind: ModelErrorKind;
	status?: number | undefined;
	message: string;
}

/** Every event the wrapper emits; `callId` ties the events of one call together. */
export type ModelEvent =
	| {
			type: "route";
			callId: string;
			rule: string;
			models: string[];
			task: string | undefined;
			inputTokens: number;
			features: string[];
	  }
	| {
			type: "attempt";
			callId: string;
			model: string;
			attempt: number;
			/** For a balanced model: the deployment this attempt goes to. */
			deployment?: string | undefined;
	  }
	| ({ type: "balance"; callId: string; model: string } & BalanceChoice)
	| {
			/** A balanced model found no deployment that may take the call (all open or already failed). */
			type: "no_deployment";
			callId: string;
			model: string;
			skipped: BalanceChoice["skipped"];
	  }
	| {
			/** An attempt failed on a deployment and the call moves to another at once, without backoff. */
			type: "failover";
			callId: string;
			model: string;
			from: string;
			error: EventError;
	  }
	| {
			type: "circuit";
			callId: string;
			model: string;
			deployment: string;
			state: CircuitState;
			reason: string;
			/** When it opened: how long until the half-open probe. */
			retryInMs?: number | undefined;
	  }
	| {
			type: "retry";
			callId: string;
			model: string;
			/**
			 * For a call the router makes for the call (decision 0228): its route, `"context.summarize"` or
			 * `"guard.<name>"`, and `model` is that call's model; absent for the call's own models.
			 */
			sideCall?: string | undefined;
			attempt: number;
			delayMs: number;
			retryAfterMs: number | undefined;
			error: EventError;
	  }
	| {
			type: "fallback";
			callId: string;
			from: string;
			to: string;
			error: EventError;
	  }
	| {
			type: "rate_limit_wait";
			callId: string;
			model: string;
			key: string;
			waitedMs: number;
	  }
	| {
			type: "cache";
			callId: string;
			model: string;
			/** `error`: the answer could not be stored (the call goes on with it; `reason` says why). */
			result: "hit" | "miss" | "bypass" | "error";
			reason?: string | undefined;
	  }
	| {
			type: "guardrail";
			callId: string;
			guard: string;
			stage: "input" | "output";
			action: "blocked" | "rewrote" | "repaired";
			findings: GuardFinding[];
	  }
	| {
			type: "context";
			callId: string;
			tokensBefore: number;
			tokensAfter: number;
			removedMessages: number;
			summarized: boolean;
	  }
	| ({ type: "usage"; callId: string } & CallUsage);

/** The `type` of a ModelEvent. */
export type ModelEventType = ModelEvent["type"];

/** Receives events; keep it cheap and non-throwing (a throw fails the call). */
export type ModelEventListener = (event: ModelEvent) => void;

/** The LangChain custom-event name under which events are also dispatched to callbacks (streamEvents, handlers). */
export const MODEL_EVENT_NAME = "weft_model_event";
