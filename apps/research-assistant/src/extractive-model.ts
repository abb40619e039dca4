import { appendFileSync } from "node:fs";
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import {
	BaseChatModel,
	type BaseChatModelParams,
} from "@langchain/core/language_models/chat_models";
import {
	AIMessage,
	AIMessageChunk,
	type BaseMessage,
} from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import { estimateTokens, keywords, overlap, sentences, stem } from "./text.ts";

// @langchain/core's field types do not allow `undefined` in optional fields under exactOptionalPropertyTypes.
type AIMessageChunkFields = ConstructorParameters<typeof AIMessageChunk>[0] &
	object;
type AIMessageFields = ConstructorParameters<typeof AIMessage>[0] & object;

/**
 * The offline default model: NOT a generative model. It does honest extractive work on the prompts the
 * research assistant sends (a `[task:…]` line in the system message, a JSON payload from the user):
 * it picks sub-questions from the question's keywords, calls the search tool, selects and stitches the
 * sentences that best match, and reports which sub-questions found little. Deterministic, no network.
 */
export class ExtractiveChatModel extends BaseChatModel {
	readonly model: string;

	readonly #callLog: string | undefined;

	/** `callLog`: a file that gets one line per call (task and a hash of the prompt), to audit repeated calls. */
	constructor(
		fields: BaseChatModelParams & {
			model?: string;
			callLog?: string | undefined;
		} = {},
	) {
		super(fields);
		this.model = fields.model ?? "extractive-local";
		this.#callLog = fields.callLog;
	}

	static override lc_name(): string {
		return "ExtractiveChatModel";
	}

	override _llmType(): string {
		return "weft-extractive";
	}

	override bindTools(tools: unknown[]) {
		return this.withConfig({ tools } as never);
	}

	override async _generate(
		messages: BaseMessage[],
		options: this["ParsedCallOptions"],
	): Promise<ChatResult> {
		const message = this.#answer(
			messages,
			(options as { tools?: unknown[] }).tools ?? [],
		);
		return {
			generations: [
				{
					text: typeof message.content === "string" ? message.content : "",
					message,
				},
			],
		};
	}

	override async *_streamResponseChunks(
		messages: BaseMessage[],
		options: this["ParsedCallOptions"],
		runManager?: CallbackManagerForLLMRun,
	): AsyncGenerator<ChatGenerationChunk> {
		const full = this.#answer(
			messages,
			(options as { tools?: unknown[] }).tools ?? [],
		);
		const text = typeof full.content === "string" ? full.content : "";
		const pieces = text.match(/\S+\s*/g) ?? [];
		for (const [i, piece] of pieces.entries()) {
			const last = i === pieces.length - 1;
			const chunk = new AIMessageChunk(<AIMessageChunkFields>{
				content: piece,
				id: full.id,
				...(last
					? {
							tool_call_chunks: toolChunks(full),
							usage_metadata: full.usage_metadata,
							response_metadata: full.response_metadata,
						}
					: {}),
			});
			yield new ChatGenerationChunk({ text: piece, message: chunk });
			await runManager?.handleLLMNewToken(piece);
		}
		if (pieces.length === 0) {
			yield new ChatGenerationChunk({
				text: "",
				message: new AIMessageChunk(<AIMessageChunkFields>{
					content: "",
					id: full.id,
					tool_call_chunks: toolChunks(full),
					usage_metadata: full.usage_metadata,
					response_metadata: full.response_metadata,
				}),
			});
		}
	}

	#answer(messages: BaseMessage[], tools: unknown[]): AIMessage {
		const system = messages.find((m) => m.getType() === "system");
		const task = /\[task:([a-z-]+)\]/.exec(text(system))?.[1] ?? "echo";
		const last = messages[messages.length - 1];
		const input = parseJson(text(last));
		const { content, toolCalls } = run(task, input, messages, tools);
		const prompt = messages.map(text).join("\n");
		if (this.#callLog !== undefined)
			appendFileSync(this.#callLog, `${this.model} ${task} ${hash(prompt)}\n`);
		return new AIMessage(<AIMessageFields>{
			content,
			id: `extractive-${hash(prompt + content)}`,
			tool_calls: toolCalls.map((c, i) => ({
				id: `call_${hash(prompt)}_${i}`,
				name: c.name,
				args: c.args,
				type: "tool_call" as const,
			})),
			usage_metadata: {
				input_tokens: estimateTokens(prompt),
				output_tokens: estimateTokens(content),
				total_tokens: estimateTokens(prompt) + estimateTokens(content),
			},
			response_metadata: { model_name: this.model, model: this.model },
		});
	}
}

type Output = {
	content: string;
	toolCalls: Array<{ name: string; args: Record<string, unknown> }>;
};

/** What each task does. Inputs are the JSON payloads the app sends. */
function run(
	task: string,
	input: any,
	messages: BaseMessage[],
	tools: unknown[],
): Output {
	const say = (content: string): Output => ({ content, toolCalls: [] });
	switch (task) {
		case "plan": {
			// one sub-question per main topic of the question (and of the reviewer's feedback), plus its "why"
			const question = String(input?.question ?? "");
			const feedback = keywords(String(input?.feedback ?? ""), 2);
			const topics = [
				...new Set([...feedback, ...keywords(question, 2)]),
			].slice(0, 2);
			const subQuestions = topics.map(
				(t) => `What did the addresses propose about ${t}?`,
			);
			if (/\bwhy\b/i.test(question) && topics[0] !== undefined)
				subQuestions.push(`Why did the addresses call ${topics[0]} important?`);
			return say(
				JSON.stringify({
					subQuestions: subQuestions.length > 0 ? subQuestions : [question],
				}),
			);
		}
		case "search": {
			// a tool-using agent: search once, then report what came back
			const lastMessage = messages[messages.length - 1];
			if (lastMessage?.getType() === "tool") {
				const found = (text(lastMessage).match(/\[[^\]]+#\d+\]/g) ?? []).length;
				return say(`Found ${found} passages.`);
			}
			const query = String(input?.subQuestion ?? text(lastMessage));
			const hasSearch = tools.some(
				(t) =>
					(t as { name?: string }).name === "search" ||
					JSON.stringify(t).includes('"search"'),
			);
			return hasSearch
				? {
						content: "",
						toolCalls: [
							{ name: "search", args: { query: keywords(query, 5).join(" ") } },
						],
					}
				: say(query);
		}
		case "summarize": {
			const terms = keywords(String(input?.subQuestion ?? ""), 6);
			const picked = rank(input?.passages ?? [], terms).slice(0, 3);
			return say(
				picked.length === 0
					? "No passage addresses this."
					: picked.map((p) => `${p.sentence} [${p.source}]`).join(" "),
			);
		}
		case "analyze": {
			const items: Array<{ subQuestion: string; summary: string }> =
				input?.summaries ?? [];
			const gaps = items
				.filter(
					(s) =>
						(s.summary.match(/\[[^\]]+\]/g) ?? []).length < 2 ||
						/No passage/.test(s.summary),
				)
				.map((s) => s.subQuestion);
			// themes from the summaries' words, citations left out
			const shared = keywords(
				items.map((s) => s.summary.replace(/\[[^\]]*\]/g, "")).join(" "),
				5,
			);
			return say(
				JSON.stringify({
					gaps,
					notes: `The summaries share these themes: ${shared.join(", ")}.`,
				}),
			);
		}
		case "report": {
			const items: Array<{ subQuestion: string; summary: string }> =
				input?.summaries ?? [];
			const lines = [
				`# ${String(input?.question ?? "Report")}`,
				"",
				String(input?.notes ?? ""),
			];
			for (const s of items)
				lines.push("", `## ${s.subQuestion}`, "", s.summary);
			if (input?.feedback)
				lines.push("", `_Revised after review: ${String(input.feedback)}_`);
			return say(lines.join("\n"));
		}
		default:
			return say(text(messages[messages.length - 1]));
	}
}

/** Sentences of passages ranked by how many query terms they contain (ties: earlier first). */
function rank(
	passages: Array<{ source: string; text: string }>,
	terms: string[],
): Array<{ sentence: string; source: string; score: number }> {
	const stems = terms.map(stem);
	const scored = passages.flatMap((p) =>
		sentences(p.text).map((sentence) => ({
			sentence,
			source: p.source,
			score: overlap(sentence, stems),
		})),
	);
	return scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score);
}

function text(message: BaseMessage | undefined): string {
	if (message === undefined) return "";
	return typeof message.content === "string"
		? message.content
		: message.content.map((c) => ("text" in c ? String(c.text) : "")).join("");
}

function parseJson(s: string): unknown {
	try {
		return JSON.parse(s);
	} catch {
		return undefined;
	}
}

function toolChunks(message: AIMessage) {
	return (message.tool_calls ?? []).map((c, index) => ({
		name: c.name,
		args: JSON.stringify(c.args),
		id: c.id,
		index,
		type: "tool_call_chunk" as const,
	}));
}

function hash(s: string): string {
	let h = 2166136261;
	for (let i = 0; i < s.length; i++)
		h = Math.imul(h ^ s.charCodeAt(i), 16777619);
	return (h >>> 0).toString(16);
}
