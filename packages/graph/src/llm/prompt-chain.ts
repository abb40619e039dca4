import type { BaseMessage } from "@langchain/core/messages";
import { keysOf } from "@weft/checkpoint";
import { z } from "zod";
import {
	type CompiledGraph,
	type CompileOptions,
	ConfigError,
	END,
	START,
	StateGraph,
} from "../index.ts";
import { shown } from "../shown.ts";
import { isZod } from "../state/reducer.ts";
import { type ChatModelLike, callModel } from "./call-model.ts";
import {
	checkOptionObject,
	checkSystem,
	invalidOption,
} from "./check-options.ts";
import { bound, checkPrompt, type LlmPrompt, modelInput } from "./llm-node.ts";
import { type StructuredMethod, structuredCall } from "./structured-output.ts";

/** Options of one chain step. */
export interface StepOptions<
	TOutput extends z.ZodType | undefined = undefined,
> {
	/** Validates the step's output (structured output); without it the output is the answer's text. */
	output?: TOutput;
	/** How structured output is obtained (default "json": JSON in the answer, one repair retry). */
	method?: StructuredMethod | undefined;
	/** Another model for this step. */
	model?: ChatModelLike | undefined;
	system?: string | undefined;
}

type Step = {
	name: string;
	prompt: LlmPrompt<any>;
	options: StepOptions<z.ZodType | undefined>;
};

/**
 * A sequence of prompt steps, each writing its output to the state key named after it, where later
 * steps' prompts read it. Structured steps validate their output with zod. `compile()` gives an ordinary
 * graph (checkpoints, streaming, time travel).
 * @example
 * const chain = promptChain({ model, input: z.object({ topic: z.string() }) })
 *   .step("outline", (s) => `Outline an article on ${s.topic}`)
 *   .step("facts", (s) => `List facts for: ${s.outline}`, { output: z.object({ facts: z.array(z.string()) }) })
 *   .step("draft", (s) => `Write it: ${s.outline}\nFacts: ${s.facts.facts.join("; ")}`)
 *   .compile();
 */
export class PromptChain<
	TShape extends z.ZodRawShape,
	TState,
	TNames extends string = never,
> {
	readonly #model: ChatModelLike;
	readonly #shape: z.ZodRawShape;
	readonly #steps: readonly Step[];
	readonly #system: string | undefined;

	constructor(
		model: ChatModelLike,
		shape: TShape,
		steps: readonly Step[] = [],
		system?: string,
	) {
		this.#model = model;
		this.#shape = shape;
		this.#steps = steps;
		this.#system = system;
	}

	/** Adds a step whose output is stored under `name`: its text, or a value checked by `options.output`. */
	step<
		const TName extends string,
		TOutput extends z.ZodType | undefined = undefined,
	>(
		name: TName,
		prompt: LlmPrompt<TState>,
		options: StepOptions<TOutput> = {},
	): PromptChain<
		TShape & {
			[K in TName]: z.ZodOptional<
				TOutput extends z.ZodType ? TOutput : z.ZodString
			>;
		},
		TState & {
			[K in TName]: TOutput extends z.ZodType ? z.output<TOutput> : string;
		},
		TNames | TName
	> {
		const index = this.#steps.length + 1;
		checkStep(index, name, prompt, options);
		if (Object.hasOwn(this.#shape, name))
			throw invalidOption(
				`promptChain step ${index} ${shown(name)}`,
				this.#steps.some((s) => s.name === name)
					? `an earlier step is named ${shown(name)} too`
					: `${shown(name)} is a key of the chain's input: the step's output would replace it`,
				"give each step a name of its own, not one of the input's keys or an earlier step's",
			);
		return new PromptChain(
			this.#model,
			{ ...this.#shape, [name]: (options.output ?? z.string()).optional() },
			[
				...this.#steps,
				{
					name,
					prompt,
					options: options as StepOptions<z.ZodType | undefined>,
				},
			],
			this.#system,
		) as never;
	}

	/** The steps as a graph: START → first → … → last → END. */
	compile(
		options: CompileOptions<TNames> = {},
	): CompiledGraph<z.ZodObject<TShape>, TNames> {
		const graph = new StateGraph(z.object(this.#shape)) as StateGraph<
			any,
			string
		>;
		let previous: string = START;
		for (const step of this.#steps) {
			graph.addNode(step.name, async (state: Record<string, unknown>, ctx) => {
				const model = step.options.model ?? this.#model;
				const system = step.options.system ?? this.#system;
				const input: BaseMessage[] = await modelInput(
					typeof step.prompt === "function" ? state : templateValues(state),
					{ system, prompt: step.prompt },
					ctx,
					`promptChain step ${shown(step.name)}`,
				);
				if (step.options.output === undefined)
					return { [step.name]: (await callModel(ctx, model, input)).text };
				return {
					[step.name]: await structuredCall(
						ctx,
						model,
						input,
						step.options.output,
						step.options.method,
					),
				};
			});
			graph.addEdge(previous, step.name);
			previous = step.name;
		}
		graph.addEdge(previous, END);
		return graph.compile(options as CompileOptions<string>) as never;
	}
}

/** Options of `promptChain`. */
export interface PromptChainOptions<TShape extends z.ZodRawShape> {
	model: ChatModelLike;
	input: z.ZodObject<TShape>;
	system?: string | undefined;
}

// as llmNode and createAgent: a misspelt option (`sytem`) was dropped without a word
const CHAIN_OPTION_KEYS = keysOf<PromptChainOptions<z.ZodRawShape>>({
	model: true,
	input: true,
	system: true,
});
const STEP_OPTION_KEYS = keysOf<StepOptions<z.ZodType | undefined>>({
	output: true,
	method: true,
	model: true,
	system: true,
});

/** Starts a prompt chain over an input schema. */
export function promptChain<TShape extends z.ZodRawShape>(
	options: PromptChainOptions<TShape>,
): PromptChain<TShape, z.output<z.ZodObject<TShape>>> {
	checkOptionObject(
		"promptChain",
		options,
		CHAIN_OPTION_KEYS,
		"pass e.g. promptChain({ model, input: z.object({ topic: z.string() }) })",
	);
	checkModel("promptChain", options.model);
	const input: unknown = options.input;
	if (
		!isZod(input) ||
		typeof (input as { shape?: unknown }).shape !== "object" ||
		(input as { shape?: unknown }).shape === null
	)
		throw invalidOption(
			"promptChain",
			`input must be a zod object schema, not ${input === undefined ? "missing" : shown(input)}`,
			"pass the chain's input as e.g. input: z.object({ topic: z.string() })",
		);
	checkSystem("promptChain", options.system, false);
	return new PromptChain(
		options.model,
		options.input.shape,
		[],
		options.system,
	);
}

const METHODS: readonly StructuredMethod[] = ["json", "native"];

/**
 * A step's options, checked where the step is added (`index` counts from 1): a wrong one is a
 * CONFIG_INVALID naming the step, not a TypeError or a silently ignored value during a run.
 */
function checkStep(
	index: number,
	name: unknown,
	prompt: unknown,
	options: unknown,
): void {
	const where = `promptChain step ${index} ${shown(name)}`;
	if (typeof name !== "string" || name === "")
		throw invalidOption(
			where,
			`the name must be a non-empty string, not ${shown(name)}`,
			'name the step: its output is stored under that state key, e.g. .step("outline", …)',
		);
	if (prompt === undefined || typeof prompt === "string")
		throw invalidOption(
			where,
			`prompt must be a prompt template or a function of the state, not ${prompt === undefined ? "missing" : shown(prompt)}`,
			typeof prompt === "string"
				? `pass a function: .step(${JSON.stringify(name)}, () => ${JSON.stringify(prompt)}), or a ChatPromptTemplate`
				: 'pass e.g. (state) => "Outline " + state.topic, or a ChatPromptTemplate',
		);
	checkPrompt(where, prompt);
	checkOptionObject(
		where,
		options,
		STEP_OPTION_KEYS,
		"pass e.g. { output: z.object({ … }) }, or leave them out",
	);
	const { output, method, model, system } = options as StepOptions<
		z.ZodType | undefined
	>;
	if (output !== undefined && !isZod(output))
		throw invalidOption(
			where,
			`output must be a zod schema, not ${shown(output)}`,
			"pass e.g. output: z.object({ facts: z.array(z.string()) }), or leave it out for the answer's text",
		);
	if (method !== undefined && !METHODS.includes(method))
		throw invalidOption(
			where,
			`method must be "json" or "native", not ${shown(method)}`,
			'leave it out for "json" (JSON in the answer), or pass "native" to use the model\'s withStructuredOutput',
		);
	if (model !== undefined) checkModel(where, model);
	checkSystem(where, system, false);
}

/** A model as llmNode checks its own (`bound()`), the message naming `where`. */
function checkModel(where: string, model: unknown): void {
	try {
		bound(model as ChatModelLike, undefined);
	} catch (error) {
		if (error instanceof ConfigError)
			throw invalidOption(where, error.message, error.hint ?? "");
		throw error;
	}
}

/** Template values: objects as JSON (a template would print "[object Object]"). */
function templateValues(
	state: Record<string, unknown>,
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(state))
		out[key] =
			typeof value === "object" && value !== null
				? JSON.stringify(value)
				: value;
	return out;
}
