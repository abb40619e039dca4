import type { StructuredToolInterface } from "@langchain/core/tools";
import { shown } from "../shown.ts";
import { invalidOption } from "./check-options.ts";

const declared = new WeakMap<object, readonly string[]>();

/**
 * Declares the scopes a caller needs to run a tool: a call from a run whose `context.scopes` lacks one of
 * them is refused (answered with an error ToolMessage and a `tool-refused` event), never executed.
 * Returns the same tool. Scopes can also come from the tool's `metadata.scopes`.
 * @example
 * const send = withScopes(sendEmail, ["mail:send"]);
 * await agent.invoke(input, { threadId, context: { scopes: ["mail:send"] } });
 */
export function withScopes<TTool extends StructuredToolInterface>(
	tool: TTool,
	scopes: readonly string[],
): TTool {
	const t = tool as unknown as { name?: unknown; invoke?: unknown } | null;
	if (
		typeof t !== "object" ||
		t === null ||
		typeof t.name !== "string" ||
		typeof t.invoke !== "function"
	)
		throw invalidOption(
			"withScopes",
			`the first argument is not a tool (an object with a name and invoke()): ${shown(tool)}`,
			'pass a tool made by tool() from @langchain/core/tools: withScopes(sendEmail, ["mail:send"])',
		);
	// a string was read letter by letter: withScopes(t, "admin") needed the scopes a, d, m, i, n
	if (!Array.isArray(scopes))
		throw invalidOption(
			"withScopes",
			`scopes must be an array of scope names, not ${shown(scopes)}`,
			typeof scopes === "string"
				? `pass withScopes(tool, [${JSON.stringify(scopes)}])`
				: 'pass e.g. withScopes(tool, ["mail:send"])',
		);
	const i = scopes.findIndex((s) => typeof s !== "string" || s === "");
	if (i >= 0)
		throw invalidOption(
			"withScopes",
			`scopes[${i}] must be a scope name, not ${shown(scopes[i])}`,
			'name scopes with non-empty strings, e.g. withScopes(tool, ["mail:send"])',
		);
	declared.set(tool, [...scopes]);
	return tool;
}

/** The scopes a tool requires (from `withScopes` or `metadata.scopes`). */
export function requiredScopes(
	tool: StructuredToolInterface,
): readonly string[] {
	const own = declared.get(tool);
	if (own !== undefined) return own;
	const meta = (tool as { metadata?: Record<string, unknown> }).metadata
		?.scopes;
	return Array.isArray(meta) ? meta.filter((s) => typeof s === "string") : [];
}

/** The caller's scopes: `context.scopes` of the run. */
export function callerScopes(
	context: Readonly<Record<string, unknown>>,
): readonly string[] {
	const scopes = context.scopes;
	return Array.isArray(scopes)
		? scopes.filter((s) => typeof s === "string")
		: [];
}

/** Required scopes the caller lacks. `*` grants everything, `mail:*` grants every `mail:` scope. */
export function missingScopes(
	required: readonly string[],
	granted: readonly string[],
): string[] {
	if (required.length === 0) return [];
	const has = new Set(granted);
	return required.filter((scope) => {
		if (has.has(scope) || has.has("*")) return false;
		for (
			let i = scope.lastIndexOf(":");
			i > 0;
			i = scope.lastIndexOf(":", i - 1)
		)
			if (has.has(`${scope.slice(0, i)}:*`)) return false;
		return true;
	});
}
