import type {
	CheckpointSummary,
	ListOptions,
	ThreadRef,
} from "@weft/checkpoint";
import {
	checkFilter,
	checkRef,
	matchesFilter,
	validateId,
} from "@weft/checkpoint";
import type Database from "better-sqlite3";
import type { FilterSql } from "./metadata-filter.ts";
import { filterSql } from "./metadata-filter.ts";
import type { SummaryRow } from "./rows.ts";
import { summaryOf } from "./rows.ts";
import type { Statements } from "./statements.ts";
import { pageSql } from "./statements.ts";

/** Rows per page of `list` (keyset paging: a page is one short read, not one long-held statement). */
const PAGE = 256;
const FILTER_CACHE = 32;

/** What a listing needs of its checkpointer, each call made at the time it is needed. */
export interface Lister {
	/** The connection's statements; throws once the checkpointer is closed (checked again between pages). */
	live(): Statements;
	/** Runs database work, its driver errors typed. */
	run<T>(fn: () => T): T;
	/** The first-page and next-page statements for a filter's shape (`ListPages.of`). */
	pages(
		filter: FilterSql | undefined,
	): [Database.Statement, Database.Statement];
}

/**
 * A thread namespace's summaries, newest first (`Checkpointer.list`), read page by page by seq; a filter
 * is matched in SQL where it can be, and always again on the summary.
 */
export async function* listSummaries(
	lister: Lister,
	ref: ThreadRef,
	options: ListOptions,
): AsyncIterable<CheckpointSummary> {
	const s = lister.live();
	checkRef(ref);
	const filter = checkFilter(options.filter);
	const ns = ref.ns ?? "";
	const { limit } = options;
	let before: number | undefined;
	if (options.before !== undefined) {
		const id = validateId(options.before, "checkpoint id");
		before = lister.run(() => s.seqOf.get({ thread: ref.threadId, ns, id })) as
			| number
			| undefined;
		// an unknown bound lists nothing (as MemoryCheckpointer does)
		if (before === undefined) return;
	}
	if (limit !== undefined && !(limit > 0)) return;
	const sqlFilter = filter === undefined ? undefined : filterSql(filter);
	const [first, next] = lister.pages(sqlFilter);
	const params = sqlFilter?.params ?? [];
	let count = 0;
	for (;;) {
		const size =
			limit === undefined ? PAGE : Math.min(PAGE, Math.ceil(limit - count));
		const bound = before;
		const rows = lister.run(() =>
			bound === undefined
				? first.all(ref.threadId, ns, ...params, size)
				: next.all(ref.threadId, ns, bound, ...params, size),
		) as SummaryRow[];
		// newest first, below the bound: a damaged index that gives rows in another order would make the
		// keyset paging list them again and again (outside check, 6 Dec: a torn file listed millions)
		let below = bound;
		for (const row of rows) {
			if (below !== undefined && !(row.seq < below))
				outOfOrder(lister, row.seq, below);
			below = row.seq;
			const summary = summaryOf(ref.threadId, ns, row);
			if (filter !== undefined && !matchesFilter(summary.metadata, filter))
				continue;
			yield summary;
			if (limit !== undefined && ++count >= limit) return;
		}
		if (rows.length < size) return;
		before = rows[rows.length - 1]!.seq;
		lister.live();
	}
}

/** The error SQLite gives a damaged file (`STORE_UNAVAILABLE`, its hint), for rows its index gave out of order. */
function outOfOrder(lister: Lister, seq: number, below: number): never {
	return lister.run(() => {
		throw Object.assign(
			new Error(
				`database disk image is malformed: listing checkpoints newest first, its index gave seq ${seq} after ${below}`,
			),
			{ code: "SQLITE_CORRUPT_INDEX" },
		);
	});
}

/** Statements listing a page of summaries (first page, then pages before a seq), cached per filter shape. */
export class ListPages {
	readonly #db: Database.Database;
	readonly #cached = new Map<
		string,
		[Database.Statement, Database.Statement]
	>();

	constructor(db: Database.Database) {
		this.#db = db;
	}

	/** The pair for `filter`'s shape, prepared on first use; the oldest shape is dropped past `FILTER_CACHE`. */
	of(filter: FilterSql | undefined): [Database.Statement, Database.Statement] {
		const shape = filter?.shape ?? "";
		let pair = this.#cached.get(shape);
		if (pair === undefined) {
			const where = filter?.where ?? "";
			pair = [
				this.#db.prepare(pageSql(false, where)),
				this.#db.prepare(pageSql(true, where)),
			];
			if (this.#cached.size >= FILTER_CACHE)
				this.#cached.delete(this.#cached.keys().next().value!);
			this.#cached.set(shape, pair);
		}
		return pair;
	}
}
