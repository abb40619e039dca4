import { readFileSync } from "node:fs";
import type { Scorer } from "@weft/evals";
import { UsageError } from "../cli-error.ts";

const SPECS =
	"exact, contains[:text], regex:<pattern>, json-schema:@schema.json, tool:<name>[:<json args>], cost:<usd>, latency:<ms>";

const number = (spec: string, raw: string) => {
	const n = raw.trim() === "" ? Number.NaN : Number(raw);
	if (!Number.isFinite(n) || n < 0)
		throw new UsageError(
			`--scorer ${spec}: "${raw}" is not ${Number.isFinite(n) ? "a limit of 0 or more" : "a number"}`,
			`scorers: ${SPECS}`,
		);
	return n;
};

function json(spec: string, raw: string): Record<string, unknown> {
	try {
		const text = raw.startsWith("@") ? readFileSync(raw.slice(1), "utf8") : raw;
		return JSON.parse(text) as Record<string, unknown>;
	} catch (error) {
		throw new UsageError(
			`--scorer ${spec}: ${(error as Error).message}`,
			"give JSON, or @file.json",
		);
	}
}

type Evals = typeof import("@weft/evals");

/** A built-in scorer from its command-line spec (`tool:search:{"query":"x"}`). */
export function scorerFromSpec(evals: Evals, spec: string): Scorer {
	const {
		contains,
		costBudget,
		exact,
		jsonSchema,
		latencyBudget,
		regex,
		toolCalled,
	} = evals;
	const i = spec.indexOf(":");
	const kind = i < 0 ? spec : spec.slice(0, i);
	const arg = i < 0 ? undefined : spec.slice(i + 1);
	switch (kind) {
		case "exact":
			return exact();
		case "contains":
			return arg === undefined
				? contains()
				: { ...contains({ value: arg }), name: `contains:${arg}` };
		case "regex":
			if (arg !== undefined) return { ...regex(arg), name: `regex:${arg}` };
			break;
		case "json-schema":
			if (arg !== undefined) return jsonSchema(json(spec, arg));
			break;
		case "tool": {
			if (arg === undefined) break;
			const j = arg.indexOf(":");
			// named by its spec, as contains: and regex: are: two tool: scorers of one tool may differ in args
			return j < 0
				? toolCalled(arg)
				: {
						...toolCalled(arg.slice(0, j), json(spec, arg.slice(j + 1))),
						name: spec,
					};
		}
		case "cost":
			if (arg !== undefined) return costBudget(number(spec, arg));
			break;
		case "latency":
			if (arg !== undefined) return latencyBudget(number(spec, arg));
			break;
	}
	throw new UsageError(
		`unknown scorer "${spec}"`,
		`scorers: ${SPECS}; custom ones: export \`scorers\` from the graph module`,
	);
}

/** What a graph module may export for `weft eval` besides the graph. */
export interface EvalModuleHooks {
	scorers: Scorer[];
	input: ((input: unknown) => unknown) | undefined;
	output: ((values: unknown) => unknown) | undefined;
}

/** Reads `scorers`, `evalInput` and `evalOutput` off the graph module. */
export function hooksOf(module: Record<string, unknown>): EvalModuleHooks {
	const s = module.scorers;
	const scorers = Array.isArray(s) ? (s as Scorer[]) : [];
	const fn = (v: unknown) =>
		typeof v === "function" ? (v as (x: unknown) => unknown) : undefined;
	return {
		scorers,
		input: fn(module.evalInput),
		output: fn(module.evalOutput),
	};
}
