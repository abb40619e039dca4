import type { NodeContext } from "@weft/graph";
import type { PastReport } from "./state.ts";

/** Where approved and drafted reports are remembered across threads. */
export const REPORTS = ["research-assistant", "reports"];

/** Earlier reports (of other threads) that match the question, best first, at most `limit`. */
export async function recallReports(
	ctx: NodeContext,
	question: string,
	limit = 3,
): Promise<PastReport[]> {
	if (ctx.store === undefined) return [];
	const hits = await ctx.store.search(REPORTS, {
		query: question,
		limit: limit + 1,
	});
	return hits
		.filter((h) => h.key !== ctx.threadId)
		.slice(0, limit)
		.map((h) => {
			const v = h.value as { question?: string; excerpt?: string };
			return {
				key: h.key,
				question: String(v.question ?? ""),
				excerpt: String(v.excerpt ?? ""),
				date: h.updatedAt.toISOString().slice(0, 10),
			};
		});
}

/** Remembers a report under its thread (a revised draft replaces the earlier one); once per task. */
export async function rememberReport(
	ctx: NodeContext,
	question: string,
	report: string,
): Promise<void> {
	if (ctx.store === undefined || ctx.threadId === undefined) return;
	// the text without its headings (the title and each section's), so an excerpt reads as prose
	const excerpt = report
		.replace(/^#.*$/gm, "")
		.replace(/\s+/g, " ")
		.trim()
		.slice(0, 400);
	await ctx.store.put(
		REPORTS,
		ctx.threadId,
		{ question, excerpt, report },
		{ index: ["question", "report"] },
	);
}

/** The report's section citing earlier reports, as `[report:thread]` (empty without any). */
export function earlierReportsSection(past: readonly PastReport[]): string {
	if (past.length === 0) return "";
	// a blank line before the heading: the report's text ends without one
	return [
		"",
		"",
		"## Earlier reports",
		"",
		...past.map(
			(p) =>
				`- [report:${p.key}] ${p.question} (${p.date}): ${p.excerpt.slice(0, 160)}…`,
		),
	].join("\n");
}
