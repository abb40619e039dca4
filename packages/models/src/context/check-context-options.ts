import { keysOf } from "@weft/checkpoint";
import {
	checkModel,
	checkObject,
	checkOptionObject,
	configInvalid,
	describe,
} from "../config-check.ts";
import type { ContextOptions } from "../model-router-options.ts";
import type { SummarizeOptions } from "./summarize-messages.ts";
import { checkTrimOptions, TRIM_KEYS } from "./trim-by-tokens.ts";

const CONTEXT_KEYS: ReadonlySet<string> = new Set([
	...TRIM_KEYS,
	...keysOf<Pick<ContextOptions, "summarize">>({ summarize: true }),
]);
const SUMMARIZE_KEYS = keysOf<
	Pick<SummarizeOptions, "model" | "prompt" | "prefix">
>({
	model: true,
	prompt: true,
	prefix: true,
});

/** The router's `context`: trimming options, and `summarize` with a chat model and text prompts. */
export function checkContextOptions(context: ContextOptions | undefined): void {
	if (context === undefined) return;
	checkObject(context, "context");
	checkTrimOptions(context, "context", CONTEXT_KEYS);
	const summarize = context.summarize;
	if (summarize === undefined) return;
	checkOptionObject(summarize, "context.summarize", SUMMARIZE_KEYS);
	checkModel(summarize.model, "context.summarize.model");
	for (const key of ["prompt", "prefix"] as const)
		if (summarize[key] !== undefined && typeof summarize[key] !== "string")
			throw configInvalid(
				`context.summarize.${key} must be a string, got ${describe(summarize[key])}`,
				`pass ${key} as a string, or leave it out for the default`,
			);
}
