/**
 * What an answer's fields start from when they first appear: the request's own fields (the draft a
 * reviewer edits), and the arguments of the only tool call a request lists (`{ toolCalls: [{ args }] }`)
 * as `args`.
 */
export function requestFill(request: unknown): Record<string, unknown> {
	const fill: Record<string, unknown> =
		typeof request === "object" && request !== null && !Array.isArray(request)
			? { ...(request as Record<string, unknown>) }
			: {};
	const calls = (request as { toolCalls?: Array<{ args?: unknown }> } | null)
		?.toolCalls;
	if (calls?.length === 1 && calls[0]?.args !== undefined)
		fill.args = calls[0].args;
	return fill;
}
