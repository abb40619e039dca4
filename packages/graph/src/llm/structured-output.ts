import { type BaseMessage, HumanMessage } from "@langchain/core/messages";
import { z } from "zod";
import { ConfigError, type NodeContext, ValidationError } from "../index.ts";
import { retryableByDefault } from "../runtime/node-policies.ts";
import { modelAnswer } from "../runtime/task-context.ts";
import {
	type ChatModelLike,
	callModel,
	report,
	reportSpent,
	toAIMessage,
} from "./call-model.ts";

import { refuseUnpairedMessages } from "./unpaired-messages.ts";
/** How structured output is obtained: the model's `withStructuredOutput`, or JSON in its text answer. */
export type StructuredMethod = "json" | "native";

/**
 * Asks the model for a value matching `schema`. On an answer that does not parse or validate, asks once
 * more with the problem named; a second bad answer throws ValidationError. Calls run once per node task.
 */
export async function structuredCall<TSchema extends z.ZodType>(
	ctx: NodeContext,
	model: ChatModelLike,
	input: BaseMessage[],
	schema: TSchema,
	method: StructuredMethod = "json",
): Promise<z.output<TSchema>> {
	const ask =
		method === "native" ? nativeAsk(model, schema) : jsonAsk(model, schema);
	const prompt =
		method === "native" ? input : [...input, jsonInstruction(schema)];
	const first = await ask(ctx, prompt, "model");
	if (first.ok) return first.value;
	const repair = [
		...prompt,
		...first.said,
		new HumanMessage(
			`Your answer did not match the required format: ${first.problem}. Answer again with only the corrected value.`,
		),
	];
	const second = await ask(ctx, repair, "model:repair");
	if (second.ok) return second.value;
	throw retryableByDefault(
		new ValidationError(
			`the model's structured output in node "${ctx.node}" is invalid: ${second.problem}`,
			{
				node: ctx.node,
				issues: second.issues,
				hint: "run the thread again (the model is asked again), give the node a retry policy, make the prompt state the format more clearly, or use a model that supports structured output",
			},
		),
	);
}

type Attempt<T> =
	| { ok: true; value: T }
	| {
			ok: false;
			problem: string;
			said: BaseMessage[];
			issues: Array<{ code: string; path: PropertyKey[]; message: string }>;
	  };

type Ask<T> = (
	ctx: NodeContext,
	input: BaseMessage[],
	key: string,
) => Promise<Attempt<T>>;

/** Tells the model the JSON format it must answer in. */
function jsonInstruction(schema: z.ZodType): HumanMessage {
	const format = JSON.stringify(
		z.toJSONSchema(schema, { unrepresentable: "any" }),
	);
	return new HumanMessage(
		`Answer with only a JSON value (no prose, no code fence) matching this JSON Schema: ${format}`,
	);
}

function jsonAsk<TSchema extends z.ZodType>(
	model: ChatModelLike,
	schema: TSchema,
): Ask<z.output<TSchema>> {
	return async (ctx, input, key) => {
		const answer = await callModel(ctx, model, input, { key });
		let parsed: unknown;
		try {
			parsed = JSON.parse(extractJson(answer.text));
		} catch (error) {
			return {
				ok: false,
				problem: `not valid JSON (${(error as Error).message})`,
				said: [answer],
				issues: [],
			};
		}
		return check(schema, parsed, [answer]);
	};
}

function nativeAsk<TSchema extends z.ZodType>(
	model: ChatModelLike,
	schema: TSchema,
): Ask<z.output<TSchema>> {
	if (typeof model.withStructuredOutput !== "function") {
		throw new ConfigError(
			"CONFIG_INVALID",
			"the model has no withStructuredOutput()",
			{
				hint: 'use method: "json", which works with any chat model',
			},
		);
	}
	const structured = model.withStructuredOutput(schema, { includeRaw: true });
	return async (ctx, messages, key) => {
		const out = await modelAnswer(ctx, key, async (spend) => {
			const input = refuseUnpairedMessages(messages, ctx.node);
			const result = (await structured
				.invoke(input, { ...ctx.callOptions, signal: ctx.signal })
				.catch((error: unknown) => reportSpent(ctx, error))) as {
				raw?: BaseMessage;
				parsed?: unknown;
			};
			const raw =
				result.raw === undefined ? undefined : toAIMessage(result.raw);
			if (raw !== undefined) report(ctx, spend, model, raw);
			return { raw, parsed: result.parsed ?? null };
		});
		// the raw answer holds an unanswered tool call, which providers refuse in a later request
		return check(schema, out.parsed, []);
	};
}

function check<TSchema extends z.ZodType>(
	schema: TSchema,
	value: unknown,
	said: BaseMessage[],
): Attempt<z.output<TSchema>> {
	const result = schema.safeParse(value);
	if (result.success) return { ok: true, value: result.data };
	const issues = result.error.issues.map((i) => ({
		code: i.code,
		path: i.path,
		message: i.message,
	}));
	const problem = issues
		.slice(0, 5)
		.map((i) => `${i.path.map(String).join(".") || "(value)"}: ${i.message}`)
		.join("; ");
	return { ok: false, problem, said, issues };
}

/** The JSON inside a text answer: a fenced block's body, else from the first `{` or `[` to the last match. */
export function extractJson(text: string): string {
	const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text);
	if (fenced?.[1] !== undefined) return fenced[1].trim();
	const start = text.search(/[[{]/);
	if (start < 0) return text.trim();
	const end = Math.max(text.lastIndexOf("}"), text.lastIndexOf("]"));
	return end > start ? text.slice(start, end + 1) : text.slice(start);
}
