import type { CheckpointSummary, ListOptions } from "@weft/checkpoint";
import {
	CheckpointError,
	checkFilter,
	invalidOption,
	matchesFilter,
	validateId,
} from "@weft/checkpoint";
import { type SummaryRow, summaryOf } from "./rows.ts";
import type { Statements } from "./statements.ts";
import type { Query } from "./transactions.ts";

/** Rows per page of `list`. */
const PAGE = 256;
const NO_BOUND = "9223372036854775807";

/**
 * Summaries of a namespace, newest (highest `seq`) first, a page per query (keyset on `seq`, so a page is
 * one short read). Nothing is listed before an unknown checkpoint.
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
		if (found.rows.length === 0) return; // nothing is older than an unknown checkpoint
		bound = String(found.rows[0].seq);
	}
	let count = 0;
	while (limit === undefined || count < limit) {
		const params = [threadId, ns, bound, PAGE];
		if (filterJson !== undefined) params.push(filterJson);
		const sql = filterJson === undefined ? st.page : st.pageFiltered;
		const rows = (await read((q) => q(sql, params))).rows as SummaryRow[];
		// newest first, below the bound: rows out of that order (a damaged index) would make the keyset
		// paging fetch them again and again
		let below = bound;
		for (const row of rows) {
			if (!seqBelow(row.seq, below)) throw outOfOrder(threadId, row.seq, below);
			below = row.seq;
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
		bound = below;
	}
}

/** `a < b` for two `bigint` seqs as Postgres gives them (decimal text, no sign, no leading zeros). */
function seqBelow(a: string, b: string): boolean {
	return a.length !== b.length ? a.length < b.length : a < b;
}

function outOfOrder(threadId: string, seq: string, below: string) {
	return new CheckpointError(
		"STORE_UNAVAILABLE",
		`Postgres listed checkpoint seq ${seq} of thread "${threadId}" after seq ${below}, newest first: an index of the checkpoints table is damaged`,
		{
			hint: "rebuild the table's indexes (REINDEX TABLE checkpoints, in Weft's schema, as its owner), then list again",
		},
	);
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
	const { limit } = options;
	if (
		limit !== undefined &&
		!(typeof limit === "number" && Number.isInteger(limit) && limit >= 0)
	)
		throw invalidOption(
			`limit ${String(limit)} is not a whole number ≥ 0`,
			"pass { limit: n } with n a whole number, or leave it out",
		);
	const filter = checkFilter(options.filter);
	if (filter === undefined) return { limit, filterJson: undefined };
	let json: string;
	try {
		json = JSON.stringify(filter);
	} catch (error) {
		throw invalidOption(
			`a metadata filter must be JSON: ${(error as Error).message}`,
			"filter values are JSON: strings, numbers, booleans, null, arrays, plain objects",
		);
	}
	return {
		limit,
		filterJson: NUL_OR_LONE_SURROGATE.test(json) ? undefined : json,
	};
}
