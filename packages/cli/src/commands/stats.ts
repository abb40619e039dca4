import type { Feedback } from "@weft/evals";
import { UsageError } from "../cli-error.ts";
import type { CommandEnv } from "../env.ts";
import { WEFT } from "../invocation.ts";
import { costCell, label, stderrLine } from "../render/output.ts";
import { table } from "../render/table.ts";
import { collectStats, type StatsReport } from "./stats-collect.ts";
import { renderFeedback } from "./stats-feedback.ts";

const UNITS: Record<string, number> = {
	s: 1000,
	m: 60_000,
	h: 3_600_000,
	d: 86_400_000,
};

/** `--since`: a duration back from now (`90s`, `30m`, `1h`, `7d`) or a date. */
export function parseSince(value: string, now = Date.now()): Date {
	const m = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value.trim());
	if (m !== null) return new Date(now - Number(m[1]) * UNITS[m[2]!]!);
	const date = new Date(value);
	if (Number.isNaN(date.getTime()))
		throw new UsageError(
			`--since "${value}" is neither a duration nor a date`,
			"write a duration like 30m, 1h or 7d, or a date like 2026-01-31",
		);
	return date;
}

/**
 * `weft stats [--since 1h] [--graph name]`: p50/p95/p99 latency per node and per model, error rates by
 * code, tokens and cost, from what the store holds (each step's timing and usage in checkpoint metadata).
 */
export async function stats(
	opts: { since?: string },
	env: CommandEnv,
	feedback?: () => Promise<Feedback[]>,
): Promise<number> {
	const since = opts.since === undefined ? undefined : parseSince(opts.since);
	const cp = await env.store("read");
	const report = await collectStats(cp, {
		since,
		graph: env.graph,
		feedback: feedback === undefined ? undefined : await feedback(),
	});
	env.out.result(report, () => render(report, `${WEFT}${env.storeFlags}`));
	for (const u of report.unreadable)
		stderrLine(
			`warning: could not read thread ${u.threadId} (its figures are partial or left out): ${u.error}`,
		);
	return 0;
}

const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;

/** `weft`: the invocation and store flags of the command printed to paste. */
function render(r: StatsReport, weft: string): string {
	const scope = `${r.threads} thread(s)${r.graph === null ? "" : ` of graph ${r.graph}`}${r.since === null ? "" : ` since ${r.since.replace("T", " ").slice(0, 19)}`}`;
	if (r.nodes.length === 0 && r.models.length === 0)
		return `no timed steps in ${scope}: run a graph with \`${weft} run <module>\``;
	const parts = [label.bold(scope)];
	if (r.nodes.length > 0)
		parts.push(
			table(
				["node", "tasks", "p50", "p95", "p99", "errors"],
				r.nodes.map((n) => [
					n.node,
					n.count,
					ms(n.p50),
					ms(n.p95),
					ms(n.p99),
					n.errors,
				]),
			),
		);
	if (r.models.length > 0)
		parts.push(
			table(
				[
					"model",
					"calls",
					"p50",
					"p95",
					"p99",
					"input",
					"output",
					"cached",
					"cost",
				],
				r.models.map((m) => [
					m.model,
					m.calls,
					ms(m.p50),
					ms(m.p95),
					ms(m.p99),
					m.inputTokens,
					m.outputTokens,
					m.cachedTokens,
					costCell(m.costUsd, m.unpricedCalls),
				]),
			),
		);
	if (r.feedback !== undefined) parts.push(renderFeedback(r.feedback));
	parts.push(
		r.errors.length === 0
			? label.dim("no errors")
			: table(
					["error", "count", "rate"],
					r.errors.map((e) => [
						e.code,
						e.count,
						`${(e.rate * 100).toFixed(1)} %`,
					]),
				),
	);
	return parts.join("\n\n");
}
