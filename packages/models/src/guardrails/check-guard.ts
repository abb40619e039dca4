import { configInvalid, describe } from "../config-check.ts";

/** A guard's shape: a name, the stages it runs at, an action and a check function. */
export function checkGuard(guard: unknown, i: number): void {
	const g = guard as Partial<Record<string, unknown>> | null;
	const where = `guards[${i}]${typeof g?.name === "string" ? ` ("${g.name}")` : ""}`;
	if (typeof g !== "object" || g === null)
		throw configInvalid(
			`${where} is not a guard (got ${describe(guard)})`,
			"pass a guard such as piiGuard() or { name, stages, action, check }",
		);
	if (typeof g.name !== "string" || g.name === "")
		throw configInvalid(
			`${where} has no name`,
			"give the guard a name: it is named in every GuardrailError",
		);
	if (
		!Array.isArray(g.stages) ||
		g.stages.length === 0 ||
		!g.stages.every((s) => s === "input" || s === "output")
	)
		throw configInvalid(
			`${where}.stages must list "input" and/or "output", got ${describe(g.stages)}`,
			'pass stages: ["input"], ["output"] or both',
		);
	if (g.action !== "block" && g.action !== "rewrite")
		throw configInvalid(
			`${where}.action must be "block" or "rewrite", got ${describe(g.action)}`,
			'pass action: "block" (a trip throws) or "rewrite" (its rewrite is used)',
		);
	if (typeof g.check !== "function")
		throw configInvalid(
			`${where}.check must be a function, got ${describe(g.check)}`,
			"pass check: (ctx) => ({ ok: true }) or ({ ok: false, findings })",
		);
}
