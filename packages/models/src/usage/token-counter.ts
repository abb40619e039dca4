import type { BaseMessage } from "@langchain/core/messages";
import { configInvalid, describe } from "../config-check.ts";

/** Counts the tokens of messages; may be async (a tokenizer loads its table on first use). */
export type TokenCounter = (
	messages: BaseMessage[],
) => number | Promise<number>;

/** Rough cost of one image part, in tokens (OpenAI's 1024×1024 high-detail figure). */
const IMAGE_TOKENS = 765;
/** Per-message framing (role, separators) as OpenAI documents it. */
const MESSAGE_OVERHEAD = 4;

/** The text of a message as a tokenizer should see it: content text plus tool-call names and arguments. */
export function messageText(message: BaseMessage): {
	text: string;
	images: number;
} {
	let text = "";
	let images = 0;
	if (typeof message.content === "string") text = message.content;
	else {
		for (const part of message.content) {
			if (typeof part === "string") text += part;
			else if (part.type === "text" && typeof part.text === "string")
				text += part.text;
			else if (part.type === "image_url" || part.type === "image") images += 1;
			else text += JSON.stringify(part);
		}
	}
	const calls = (message as { tool_calls?: { name: string; args: unknown }[] })
		.tool_calls;
	for (const call of calls ?? []) text += call.name + JSON.stringify(call.args);
	return { text, images };
}

/** About 4 characters per token: fast, synchronous, and what unknown models fall back to. */
export function estimateTokens(messages: BaseMessage[]): number {
	let total = 0;
	for (const m of messages) {
		const { text, images } = messageText(m);
		total +=
			Math.ceil(text.length / 4) + images * IMAGE_TOKENS + MESSAGE_OVERHEAD;
	}
	return total;
}

type Encoder = { encode(text: string): number[] };
const encoders = new Map<string, Promise<Encoder>>();

async function loadEncoder(
	encoding: "o200k_base" | "cl100k_base",
): Promise<Encoder> {
	const { Tiktoken } = await import("js-tiktoken/lite");
	const ranks =
		encoding === "o200k_base"
			? (await import("js-tiktoken/ranks/o200k_base")).default
			: (await import("js-tiktoken/ranks/cl100k_base")).default;
	return new Tiktoken(ranks);
}

/** The BPE encoding an OpenAI model uses, or undefined for other providers (they get the estimate). */
export function encodingFor(
	model: string,
): "o200k_base" | "cl100k_base" | undefined {
	const id = model.replace(/^openai[:/]/, "");
	if (/^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|chatgpt-4o)/.test(id))
		return "o200k_base";
	if (/^(gpt-4|gpt-3\.5)/.test(id)) return "cl100k_base";
	return undefined;
}

/**
 * A counter for `model`: exact BPE counts for OpenAI models (js-tiktoken, offline, loaded on first
 * use) and the character estimate for any other model.
 */
export function tokenCounterFor(model: string): TokenCounter {
	if (typeof model !== "string")
		throw configInvalid(
			`tokenCounterFor needs a model name, got ${describe(model)}`,
			'pass the model\'s name, e.g. tokenCounterFor("gpt-4o"); estimateTokens counts without one',
		);
	const encoding = encodingFor(model);
	if (encoding === undefined) return estimateTokens;
	return async (messages) => {
		let encoder = encoders.get(encoding);
		if (encoder === undefined) {
			encoder = loadEncoder(encoding);
			encoders.set(encoding, encoder);
		}
		const enc = await encoder;
		let total = 0;
		for (const m of messages) {
			const { text, images } = messageText(m);
			total +=
				enc.encode(text).length + images * IMAGE_TOKENS + MESSAGE_OVERHEAD;
		}
		return total;
	};
}
