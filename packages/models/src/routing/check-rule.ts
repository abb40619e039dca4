import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import {
	checkNumber,
	configInvalid,
	describe,
	isStringList,
} from "../config-check.ts";
import type { RouteRule } from "./route.ts";

// nested options too: a rule whose only condition was misspelt (`tsk`) had none left and took every call
const RULE_KEYS = keysOf<RouteRule>({
	name: true,
	task: true,
	minInputTokens: true,
	maxInputTokens: true,
	requires: true,
	use: true,
});

/** A routing rule's shape: a NaN bound matched every call, a numeric task none, a string `requires` threw. */
export function checkRule(rule: unknown, i: number): void {
	const where = `rules[${i}]`;
	if (rule === null || typeof rule !== "object" || Array.isArray(rule))
		throw configInvalid(
			`${where} must be a rule object, got ${describe(rule)}`,
			'pass rules like { task: "summarise", use: ["gpt-4o-mini", "gpt-4o"] }',
		);
	refuseUnknownKeys(rule, RULE_KEYS, where);
	const r = rule as Record<string, unknown>;
	if (r.name !== undefined && typeof r.name !== "string")
		throw configInvalid(
			`${where}.name must be a string, got ${describe(r.name)}`,
			"name the rule with a string, or leave it out",
		);
	if (
		r.task !== undefined &&
		typeof r.task !== "string" &&
		!isStringList(r.task, true)
	)
		throw configInvalid(
			`${where}.task must be a task label or a list of them, got ${describe(r.task)}`,
			'pass task: "summarise" or task: ["summarise", "translate"] (a non-empty list)',
		);
	checkNumber(r.minInputTokens, `${where}.minInputTokens`, { infinite: true });
	checkNumber(r.maxInputTokens, `${where}.maxInputTokens`, { infinite: true });
	if (r.requires !== undefined && !isStringList(r.requires))
		throw configInvalid(
			`${where}.requires must be a list of feature names, got ${describe(r.requires)}`,
			'pass requires: ["tools"], or leave it out',
		);
	if (typeof r.use !== "string" && !isStringList(r.use, true))
		throw configInvalid(
			`${where}.use must be a model name or a non-empty list of them, got ${describe(r.use)}`,
			'pass use: "gpt-4o" or use: ["gpt-4o-mini", "gpt-4o"] (names from `models`)',
		);
	// a rule without a condition matches every call: the rules after it, and defaultChain, never run
	const conditions =
		r.task !== undefined ||
		r.minInputTokens !== undefined ||
		r.maxInputTokens !== undefined ||
		(Array.isArray(r.requires) && r.requires.length > 0);
	if (!conditions)
		throw configInvalid(
			`${where} has no condition (task, minInputTokens, maxInputTokens or requires), so it would match every call`,
			"give the rule a condition; to choose the models of calls no rule matches, use defaultChain: [...] instead",
		);
}
