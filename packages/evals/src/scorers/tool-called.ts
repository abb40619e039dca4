import { isDeepStrictEqual } from "node:util";
import { badArgument, isText, shown } from "./arguments.ts";
import { type Scorer, verdict } from "./scorer.ts";

function includes(
	args: Record<string, unknown>,
	want: Record<string, unknown>,
): boolean {
	return Object.entries(want).every(([k, v]) =>
		typeof v === "object" &&
		v !== null &&
		!Array.isArray(v) &&
		typeof args[k] === "object" &&
		args[k] !== null
			? includes(
					args[k] as Record<string, unknown>,
					v as Record<string, unknown>,
				)
			: isDeepStrictEqual(args[k], v),
	);
}

/**
 * The model called tool `name` at least once, with arguments that include `args` (a partial match:
 * other arguments may be present).
 * @example toolCalled("search", { query: "weft" })
 */
export function toolCalled(
	name: string,
	args?: Record<string, unknown>,
): Scorer {
	if (!isText(name))
		badArgument(
			`toolCalled: the tool's name must be a non-empty string, got ${shown(name)}`,
			'name the tool as the model calls it, e.g. toolCalled("search")',
		);
	if (
		args !== undefined &&
		(typeof args !== "object" || args === null || Array.isArray(args))
	)
		badArgument(
			`toolCalled("${name}"): args must be an object of the arguments to find, got ${shown(args)}`,
			'pass the arguments the call must include, e.g. toolCalled("search", { query: "weft" }), or none',
		);
	return {
		name: `tool:${name}`,
		score(run) {
			const calls = run.toolCalls.filter((c) => c.name === name);
			if (calls.length === 0) {
				const seen =
					[...new Set(run.toolCalls.map((c) => c.name))].join(", ") || "none";
				return verdict(false, `"${name}" was not called (called: ${seen})`);
			}
			if (args === undefined) return verdict(true, `called ${calls.length}×`);
			const hit = calls.some((c) => includes(c.args, args));
			return verdict(
				hit,
				hit
					? `called with ${JSON.stringify(args)}`
					: `called, but never with ${JSON.stringify(args)} (got ${calls.map((c) => JSON.stringify(c.args)).join(", ")})`,
			);
		},
	};
}
