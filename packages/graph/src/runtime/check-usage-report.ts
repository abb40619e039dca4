// A node's own usage report (`ctx.reportUsage`) is the node's code speaking, not a provider: a figure that
// is not one is a bug to show where it is made, not to read around as `readUsage` reads a provider's
// usage (decision 0226). Added as given, NaN stayed in a thread's totals for good and a string count
// was concatenated into them (decision 0232).
import { ConfigError } from "@weft/checkpoint";
import type { UsageReport } from "../graph/types.ts";
import { shown } from "../shown.ts";

/** Token counts and calls: whole numbers ≥ 0, as `readUsage` trusts a count. */
const COUNTS = [
	"inputTokens",
	"outputTokens",
	"cachedTokens",
	"calls",
] as const;
/** Dollars and milliseconds: finite numbers ≥ 0. */
const AMOUNTS = ["costUsd", "durationMs"] as const;

const isCount = (v: unknown) =>
	typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
const isAmount = (v: unknown) =>
	typeof v === "number" && Number.isFinite(v) && v >= 0;

/** Throws CONFIG_INVALID naming the node and the first figure of `usage` that is not one. */
export function checkUsageReport(node: string, usage: unknown): void {
	if (typeof usage !== "object" || usage === null || Array.isArray(usage))
		throw refused(
			node,
			`usage must be an object of figures, not ${shown(usage)}`,
		);
	const u = usage as Record<keyof UsageReport, unknown>;
	for (const key of COUNTS)
		if (u[key] !== undefined && !isCount(u[key]))
			throw refused(
				node,
				`${key} must be a whole number of at least 0, not ${shown(u[key])}`,
			);
	for (const key of AMOUNTS)
		if (u[key] !== undefined && !isAmount(u[key]))
			throw refused(
				node,
				`${key} must be a finite number of at least 0, not ${shown(u[key])}`,
			);
	if (u.model !== undefined && typeof u.model !== "string")
		throw refused(
			node,
			`model must be the model's name, not ${shown(u.model)}`,
		);
}

const refused = (node: string, problem: string) =>
	new ConfigError(
		"CONFIG_INVALID",
		`ctx.reportUsage in node "${node}": ${problem}; nothing of this report was counted`,
		{
			hint: "report numbers (Number(x), Math.round(x) for a token count) or leave the figure out; for a model call, invokeModel(ctx, key, model, messages) from @weft/graph/llm reads and reports its usage",
		},
	);
