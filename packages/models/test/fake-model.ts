// The tests' step lists, played by @weft/graph/llm's ScriptedChatModel.
import type { BaseMessage, UsageMetadata } from "@langchain/core/messages";
import {
	type ScriptedCall,
	ScriptedChatModel,
	type ScriptedReply,
} from "@weft/graph/llm";

export interface Reply {
	content?: string;
	toolCalls?: { name: string; args: Record<string, unknown>; id?: string }[];
	/** Raw argument strings that are not valid JSON. */
	rawToolCalls?: { name: string; args: string; id?: string }[];
	/** Default: 10 input and 5 output tokens. */
	usage?: UsageMetadata | false;
}

type Failure = {
	status?: number;
	message?: string;
	headers?: Record<string, string>;
	code?: string;
	name?: string;
};

export type Step =
	| Reply
	| { fail: Failure }
	| { hang: true }
	| ((messages: BaseMessage[]) => Reply);

/** A network-level error (no HTTP status), as fetch and Node sockets throw them. */
export class NetworkError extends Error {
	readonly code: string | undefined;
	constructor(f: Failure) {
		super(f.message ?? "network error");
		this.code = f.code;
		if (f.name !== undefined) this.name = f.name;
	}
}

function toReply(r: Reply): ScriptedReply {
	const u = r.usage ?? { input_tokens: 10, output_tokens: 5, total_tokens: 15 };
	const cached = u === false ? undefined : u.input_token_details?.cache_read;
	return {
		...(r.content === undefined ? {} : { content: r.content }),
		...(r.toolCalls === undefined ? {} : { toolCalls: r.toolCalls }),
		...(r.rawToolCalls === undefined
			? {}
			: { malformedToolCalls: r.rawToolCalls }),
		usage:
			u === false
				? false
				: {
						input: u.input_tokens,
						output: u.output_tokens,
						...(cached === undefined ? {} : { cached }),
					},
	};
}

function toScripted(step: Step): ScriptedReply {
	if (typeof step === "function")
		return (call: ScriptedCall) => toReply(step(call.messages));
	if ("hang" in step) return { fail: "hang" };
	if (!("fail" in step)) return toReply(step);
	const f = step.fail;
	if (f.status === 429) {
		const after = f.headers?.["retry-after"];
		return {
			fail: "rate-limit",
			...(after === undefined ? {} : { retryAfterSeconds: Number(after) }),
		};
	}
	if (f.status === 400)
		return {
			fail: "bad-request",
			...(f.message === undefined ? {} : { message: f.message }),
		};
	if (f.status !== undefined)
		return {
			fail: "server",
			status: f.status,
			...(f.message === undefined ? {} : { message: f.message }),
		};
	return () => {
		throw new NetworkError(f);
	};
}

/** A ScriptedChatModel playing `steps` (the last one repeats), with a temperature field like provider models. */
export class FakeModel extends ScriptedChatModel {
	temperature: number | undefined;
	constructor(
		label: string,
		steps: Step[],
		fields: { temperature?: number } = {},
	) {
		super({ model: label, replies: steps.map(toScripted), repeatLast: true });
		this.temperature = fields.temperature;
	}
}

/** Collects events of one kind or all. */
export function eventLog() {
	const events: import("@weft/models").ModelEvent[] = [];
	return {
		events,
		onEvent: (e: import("@weft/models").ModelEvent) => {
			events.push(e);
		},
		of: <TType extends import("@weft/models").ModelEvent["type"]>(
			type: TType,
		) =>
			events.filter(
				(e): e is Extract<import("@weft/models").ModelEvent, { type: TType }> =>
					e.type === type,
			),
	};
}

/** usage_metadata of any message (AIMessageChunk types it oddly under exactOptionalPropertyTypes). */
export function usageOf(
	m: unknown,
): import("@langchain/core/messages").UsageMetadata | undefined {
	return (
		m as { usage_metadata?: import("@langchain/core/messages").UsageMetadata }
	).usage_metadata;
}

/** A response-cache entry for the cache store tests. */
export const cachedResponse = {
	message: { type: "ai", data: { content: "x" } },
	model: "m",
	inputTokens: 1,
	outputTokens: 2,
	costUsd: 0.5,
	createdAt: 0,
};
