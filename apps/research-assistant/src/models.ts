import { ModelRouter } from "@weft/models";
import type { ChatModel } from "./ask-model.ts";
import { ExtractiveChatModel } from "./extractive-model.ts";

/** The models a run uses, and how to describe them to the user. */
export interface ModelChoice {
	/** A @weft/models router: search and summaries go to the cheap model, the rest to the strong one. */
	model: ChatModel;
	cheap: ChatModel;
	strong: ChatModel;
	/** Shown in the output: which provider, and for the offline model that it is not generative. */
	label: string;
	offline: boolean;
}

/**
 * Picks models from the environment: OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_HOST select the matching
 * @langchain/* package (an optional dependency: install it to use it); otherwise the offline extractive
 * model. `names` overrides the model names (the CLI flags).
 */
/** Task labels the assistant sends, and which model serves them (the strong one is the fallback). */
export const CHEAP_TASKS = ["search", "summarize"];

/** Routes the assistant's calls by task label: cheap work to the cheap model, everything else to the strong one. */
export function routeModels(
	cheap: ChatModel,
	strong: ChatModel,
	names: { cheap: string; strong: string },
): ChatModel {
	return new ModelRouter({
		models: { [names.cheap]: cheap as never, [names.strong]: strong as never },
		rules: [
			{
				name: "cheap work",
				task: CHEAP_TASKS,
				use: [names.cheap, names.strong],
			},
		],
		defaultChain: [names.strong],
		retry: { maxRetries: 2, initialDelayMs: 200 },
	}) as unknown as ChatModel;
}

async function pick(
	names: { cheap?: string | undefined; strong?: string | undefined } = {},
	env = process.env,
): Promise<Omit<ModelChoice, "model">> {
	const load = async (pkg: string) => {
		try {
			return (await import(pkg)) as Record<
				string,
				new (
					fields: Record<string, unknown>,
				) => ChatModel
			>;
		} catch {
			throw new Error(
				`${pkg} is not installed: run \`pnpm add ${pkg} --filter @weft/research-assistant\`, or unset the key to use the offline model`,
			);
		}
	};
	if (env.OPENAI_API_KEY) {
		const { ChatOpenAI } = await load("@langchain/openai");
		const cheap = names.cheap ?? "gpt-4o-mini";
		const strong = names.strong ?? "gpt-4o";
		return {
			cheap: new ChatOpenAI!({ model: cheap, temperature: 0 }),
			strong: new ChatOpenAI!({ model: strong, temperature: 0 }),
			label: `OpenAI ${cheap} / ${strong}`,
			offline: false,
		};
	}
	if (env.ANTHROPIC_API_KEY) {
		const { ChatAnthropic } = await load("@langchain/anthropic");
		const cheap = names.cheap ?? "claude-3-5-haiku-latest";
		const strong = names.strong ?? "claude-sonnet-4-5";
		return {
			cheap: new ChatAnthropic!({ model: cheap, temperature: 0 }),
			strong: new ChatAnthropic!({ model: strong, temperature: 0 }),
			label: `Anthropic ${cheap} / ${strong}`,
			offline: false,
		};
	}
	if (env.OLLAMA_HOST) {
		const { ChatOllama } = await load("@langchain/ollama");
		const cheap = names.cheap ?? "llama3.2";
		const strong = names.strong ?? "llama3.1";
		const baseUrl = env.OLLAMA_HOST;
		return {
			cheap: new ChatOllama!({ model: cheap, baseUrl }),
			strong: new ChatOllama!({ model: strong, baseUrl }),
			label: `Ollama ${cheap} / ${strong} at ${baseUrl}`,
			offline: false,
		};
	}
	return {
		cheap: new ExtractiveChatModel({
			model: names.cheap ?? "extractive-cheap",
			callLog: env.WEFT_MODEL_CALL_LOG,
		}),
		strong: new ExtractiveChatModel({
			model: names.strong ?? "extractive-strong",
			callLog: env.WEFT_MODEL_CALL_LOG,
		}),
		label:
			"offline extractive model (NOT a generative model: it selects and stitches sentences from the documents)",
		offline: true,
	};
}

/**
 * Picks models from the environment: OPENAI_API_KEY, ANTHROPIC_API_KEY or OLLAMA_HOST select the matching
 * @langchain/* package (an optional dependency: install it to use it); otherwise the offline extractive
 * model. `names` overrides the model names (the CLI flags). The pair is wrapped in a router.
 */
export async function modelsFromEnv(
	names: { cheap?: string | undefined; strong?: string | undefined } = {},
	env = process.env,
): Promise<ModelChoice> {
	const choice = await pick(names, env);
	const label = (m: ChatModel, fallback: string) =>
		(m as { model?: string }).model ?? fallback;
	return {
		...choice,
		model: routeModels(choice.cheap, choice.strong, {
			cheap: label(choice.cheap, "cheap"),
			strong: label(choice.strong, "strong"),
		}),
	};
}
