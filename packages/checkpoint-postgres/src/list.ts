import type { CheckpointSummary, ListOptions } from "@weft/checkpoint";
import {
	ConfigError,
	checkpointNotFound,
	matchesFilter,
} from "@weft/checkpoint";
import { type SummaryRow, summaryOf } from "./rows.ts";
import type { Statements } from "./statements.ts";
import type { Query } from "./transactions.ts";
import { validateId } from "./validate.ts";

/** Rows per page of `list`. */
const PAGE = 256;
const NO_BOUND = "9223372036854775807";

/**
 * Summaries of a namespace, newest (highest `seq`) first, a page per query (keyset on `seq`, so a page is
 * one short read). `before` names a checkpoint of the namespace (CHECKPOINT_NOT_FOUND otherwise).
 */
export async function* listSummaries(
	read: <T>(fn: (q: Query) => Promise<T>) => Promise<T>,
	st: Statements,
	key: { threadId: string; ns: string },
	options: ListOptions,
): AsyncIterable<CheckpointSummary> {
	const { threadId, ns } = key;
	const { limit, filterJson } = listOptions(options);
	let bound = NO_BOUND;
	if (options.before !== undefined) {
		const before = validateId(options.before, "checkpoint id");
		const found = await read((q) => q(st.seqOf, [threadId, ns, before]));
		if (found.rows.length === 0) throw checkpointNotFound(threadId, ns, before);
		bound = String(found.rows[0].seq);
	}
	let count = 0;
	while (limit === undefined || count < limit) {
		const params = [threadId, ns, bound, PAGE];
		if (filterJson !== undefined) params.push(filterJson);
		const sql = filterJson === undefined ? st.page : st.pageFiltered;
		const rows = (await read((q) => q(sql, params))).rows as SummaryRow[];
		for (const row of rows) {
			const summary = summaryOf(row);
			if (
				options.filter !== undefined &&
				!matchesFilter(summary.metadata, options.filter)
			)
				continue;
			yield summary;
			if (limit !== undefined && ++count >= limit) return;
		}
		if (rows.length < PAGE) return;
		bound = rows[rows.length - 1]!.seq;
	}
}

const NUL_OR_LONE_SURROGATE =
	/\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i;

/**
 * Checks `limit` (a whole number ≥ 0) and `filter` (a plain object), and gives the filter as JSONB text
 * for the SQL pre-filter: left out when JSONB could not hold it (a NUL, a lone surrogate), since
 * `matchesFilter` checks every row anyway.
 */
export function listOptions(options: Pick<ListOptions, "limit" | "filter">): {
	limit: number | undefined;
	filterJson: string | undefined;
} {
	const { limit, filter } = options;
	if (
		limit !== undefined &&
		!(typeof limit === "number" && Number.isInteger(limit) && limit >= 0)
	)
		throw new ConfigError(
			"CONFIG_INVALID",
			`limit ${String(limit)} is not a whole number ≥ 0`,
			{ hint: "pass { limit: n } with n a whole number, or leave it out" },
		);
	if (filter === undefined) return { limit, filterJson: undefined };
	if (typeof filter !== "object" || filter === null || Array.isArray(filter))
		throw new ConfigError(
			"CONFIG_INVALID",
			`filter ${String(filter)} is not an object of metadata keys and values`,
			{
				hint: 'pass { filter: { key: value } }, e.g. { filter: { source: "loop" } }',
			},
		);
	let json: string | undefined;
	try {
		json = JSON.stringify(filter);
	} catch (error) {
		throw new ConfigError(
			"CONFIG_INVALID",
			`filter is not JSON: ${(error as Error).message}`,
			{
				hint: "filter values are JSON: strings, numbers, booleans, null, arrays, plain objects",
				cause: error,
			},
		);
	}
	return {
		limit,
		filterJson: NUL_OR_LONE_SURROGATE.test(json) ? undefined : json,
	};
}
