import type { StructuredToolInterface } from "@langchain/core/tools";
import { refuseUnknownKeys } from "@weft/checkpoint";
import { ConfigError } from "../index.ts";
import { shown } from "../shown.ts";

// Checks of the LLM layer's options, made once where the option is given (createAgent, llmNode, …), so
// a wrong value is a CONFIG_INVALID naming the call and the option, not a TypeError in the middle of a run.

/** What OpenAI and Anthropic accept as a tool's name. */
export const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** A refused option: `<where>: <what>`, with what to do instead. */
export function invalidOption(
	where: string,
	what: string,
	hint: string,
): ConfigError {
	return new ConfigError("CONFIG_INVALID", `${where}: ${what}`, { hint });
}

/** How a caller words its option-object refusal (each keeps its own: tests and users' logs match it). */
export interface OptionObjectWording {
	/** What the refusal says before `, not <value>`. Default "the options must be an object". */
	mustBe?: string;
	/** Whether an array is refused too; otherwise it passes as options with no keys. Default false. */
	refuseArrays?: boolean;
}

/**
 * Options given as an object (not null, a string, a number…) with no key `where` does not read: a
 * misspelt one was ignored without a word. CONFIG_INVALID `<where>: <mustBe>, not <value>` with `hint`.
 */
export function checkOptionObject(
	where: string,
	options: unknown,
	keys: ReadonlySet<string>,
	hint: string,
	wording: OptionObjectWording = {},
): void {
	const { mustBe = "the options must be an object", refuseArrays = false } =
		wording;
	if (
		options === null ||
		typeof options !== "object" ||
		(refuseArrays && Array.isArray(options))
	)
		throw invalidOption(where, `${mustBe}, not ${shown(options)}`, hint);
	refuseUnknownKeys(options, keys, where);
}

/** The tools as given, checked: an array (or absent) of objects with a name and `invoke()`. */
export function checkTools(
	where: string,
	tools: unknown,
): readonly StructuredToolInterface[] {
	if (tools === undefined) return [];
	const hint =
		"pass an array of tools, e.g. tools: [search] with search made by tool() from @langchain/core/tools; leave it out for none";
	if (!Array.isArray(tools))
		throw invalidOption(
			where,
			`tools must be an array of tools, not ${shown(tools)}`,
			hint,
		);
	for (const [i, t] of tools.entries()) {
		const ok =
			typeof t === "object" &&
			t !== null &&
			typeof (t as { name?: unknown }).name === "string" &&
			typeof (t as { invoke?: unknown }).invoke === "function";
		if (!ok)
			throw invalidOption(
				where,
				`tools[${i}] is not a tool (an object with a name and invoke()): ${shown(t)}`,
				hint,
			);
	}
	return tools;
}

/** An array (or absent) of tool names, as `approve` and `allow` take. */
export function checkToolNames(
	where: string,
	key: string,
	names: unknown,
): readonly string[] | undefined {
	if (names === undefined) return undefined;
	if (!Array.isArray(names))
		throw invalidOption(
			where,
			`${key} must be an array of tool names, not ${shown(names)}`,
			typeof names === "string"
				? `pass ${key}: [${JSON.stringify(names)}]`
				: `pass e.g. ${key}: ["send_email"], or leave it out`,
		);
	const i = names.findIndex((n) => typeof n !== "string");
	if (i >= 0)
		throw invalidOption(
			where,
			`${key}[${i}] must be a tool name, not ${shown(names[i])}`,
			`name tools by their name: ${key}: ["send_email"]`,
		);
	return names;
}

/** A system prompt: text, or (where `functions` says so) a function of the state giving text. */
export function checkSystem(
	where: string,
	system: unknown,
	functions = true,
): void {
	if (
		system === undefined ||
		typeof system === "string" ||
		(functions && typeof system === "function")
	)
		return;
	throw invalidOption(
		where,
		functions
			? `system must be a string or a function of the state returning one, not ${shown(system)}`
			: `system must be a string, not ${shown(system)}`,
		'pass e.g. system: "You are terse.", or leave it out',
	);
}

/** A whole number of at least 1, when given (`fallback` is what leaving it out gives). */
export function checkCount(
	where: string,
	key: string,
	value: unknown,
	fallback: number,
): void {
	if (value !== undefined && !(Number.isInteger(value) && Number(value) >= 1))
		throw invalidOption(
			where,
			`${key} must be a whole number of at least 1, not ${shown(value)}`,
			`leave ${key} out for the default (${fallback})`,
		);
}
