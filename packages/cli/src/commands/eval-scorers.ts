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
			if (arg === undefined) return exact();
			// compared with each case's expected, the argument dropped, the run would mean another thing
			throw new UsageError(
				`--scorer ${spec}: exact takes no argument (it compares with each case's expected)`,
				`for a fixed text, use contains:${arg} or regex:^${arg}$`,
			);
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

const isScorer = (s: unknown) =>
	typeof s === "object" &&
	s !== null &&
	typeof (s as Scorer).name === "string" &&
	typeof (s as Scorer).score === "function";

/**
 * Reads `scorers`, `evalInput` and `evalOutput` off the graph module. One of the wrong kind is a USAGE
 * error: passed over, the run would score (or feed the graph) otherwise than the module says.
 */
export function hooksOf(module: Record<string, unknown>): EvalModuleHooks {
	const s = module.scorers;
	if (s !== undefined && (!Array.isArray(s) || !s.every(isScorer)))
		throw new UsageError(
			"the graph module's `scorers` export is not a list of scorers",
			'export an array of them: export const scorers = [exact(), scorer("name", fn)]',
		);
	const fn = (name: string) => {
		const v = module[name];
		if (v !== undefined && typeof v !== "function")
			throw new UsageError(
				`the graph module's \`${name}\` export is not a function`,
				`export ${name} as a function of ${name === "evalInput" ? "a case's input" : "the final state"}, or not at all`,
			);
		return v as ((x: unknown) => unknown) | undefined;
	};
	return {
		scorers: (s ?? []) as Scorer[],
		input: fn("evalInput"),
		output: fn("evalOutput"),
	};
}
