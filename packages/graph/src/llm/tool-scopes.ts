import type { StructuredToolInterface } from "@langchain/core/tools";

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
