import { WeftError } from "../errors.ts";
import type { JsonValue } from "../record.ts";
import { paging, queryWords } from "./item-text.ts";
import { encodeNamespace, shownText, textProblem } from "./namespace.ts";
import {
	checkDimensions,
	cosine,
	embedQuery,
	fuseRanks,
	modeOf,
} from "./semantic.ts";
import type {
	Namespace,
	SearchItem,
	StoreIndexOptions,
	StoreItem,
	StoreSearchOptions,
} from "./store.ts";
import { type FilterCondition, filterConditions } from "./store-filter.ts";

/** A search's filter as backends read it: every condition must hold (none: every item). */
export type StoreFilter = readonly FilterCondition[];

/** An item's id in ranked lists: its encoded namespace and key. */
export const itemId = (ns: string, key: string): string =>
	JSON.stringify([ns, key]);

/** What a backend provides for `search`; the ranking logic shared by all backends is `rankedSearch`. */
export interface SearchBackend {
	/** Live items under the prefix matching the filter, newest update first. */
	listItems(
		prefix: string,
		filter: StoreFilter,
		limit: number,
		offset: number,
	): Promise<StoreItem[]>;
	/** Live, indexed items matching the query's words, best first, with a score (higher is better). */
	textSearch(
		prefix: string,
		query: string,
		filter: StoreFilter,
		limit: number,
		offset: number,
	): Promise<SearchItem[]>;
	/** The vectors of live items under the prefix matching the filter. */
	vectors(
		prefix: string,
		filter: StoreFilter,
	): Promise<{ id: string; vector: Float32Array }[]>;
	/**
	 * How many live items under the prefix matching the filter have indexed text but no vector (put before
	 * the store had embeddings). Optional: without it, semantic search cannot say it left them out.
	 */
	unembedded?(prefix: string, filter: StoreFilter): Promise<number>;
	/** Items by `itemId` (expired or missing ones left out). */
	itemsByIds(ids: readonly string[]): Promise<Map<string, StoreItem>>;
}

/** How many text hits hybrid search fuses with the semantic ranking, at least. */
const HYBRID_DEPTH = 50;

/** `Store.search` on any backend: checks the options, then lists, or ranks by text, vectors or both. */
export async function rankedSearch(
	backend: SearchBackend,
	index: StoreIndexOptions,
	prefixNs: Namespace,
	options: StoreSearchOptions,
): Promise<SearchItem[]> {
	const prefix = encodeNamespace(prefixNs, { prefix: true });
	const { limit, offset } = paging(options, 10);
	const { query } = options;
	if (query !== undefined && typeof query !== "string")
		throw new WeftError(
			"VALIDATION_FAILED",
			`search query ${JSON.stringify(query) ?? String(query)} is not text`,
			{ hint: "pass query as a string (or leave it out to list the items)" },
		);
	// as a filter's text is: the backends would not agree on it (memory found nothing, the SQL stores
	// matched the words around a NUL, or every item for a lone surrogate)
	const bad = query === undefined ? undefined : textProblem(query);
	if (bad !== undefined)
		throw new WeftError(
			"VALIDATION_FAILED",
			`search query ${shownText(query!)} ${bad}`,
			{ hint: "pass well-formed text without NUL characters" },
		);
	const filter = filterConditions(options.filter);
	// checked with or without a query, so that a bad mode never passes for a listing
	const mode = modeOf(options.mode, index);
	if (query === undefined || query.trim() === "") {
		const items = await backend.listItems(prefix, filter, limit, offset);
		return items.map((i) => ({ ...i, score: undefined }));
	}
	// the query's words, each once (a repeated word counted once on every backend), as backends split them
	const words = [...new Set(queryWords(query))].join(" ");
	if (mode === "text")
		return words === ""
			? []
			: backend.textSearch(prefix, words, filter, limit, offset);
	const embeddings = index.embeddings!;
	const [q, vectors, unembedded] = await Promise.all([
		embedQuery(embeddings, query),
		backend.vectors(prefix, filter),
		mode === "semantic" ? backend.unembedded?.(prefix, filter) : undefined,
	]);
	checkDimensions(q, vectors, JSON.stringify(prefixNs));
	if (unembedded !== undefined && unembedded > 0)
		throw notEmbedded(unembedded, vectors.length, JSON.stringify(prefixNs));
	const semantic = vectors
		.map((v) => ({ id: v.id, score: cosine(q, v.vector) }))
		.sort(byScore);
	let ranked: { id: string; score: number }[] = semantic;
	if (mode === "hybrid") {
		const depth = Math.min(
			Math.max(HYBRID_DEPTH, (offset + limit) * 3),
			Number.MAX_SAFE_INTEGER,
		);
		const text =
			words === ""
				? []
				: await backend.textSearch(prefix, words, filter, depth, 0);
		const fused = fuseRanks([
			text.map((i) => itemId(encodeNamespace(i.namespace), i.key)),
			semantic.map((s) => s.id),
		]);
		ranked = [...fused].map(([id, score]) => ({ id, score })).sort(byScore);
	}
	const page = ranked.slice(offset, offset + limit);
	const items = await backend.itemsByIds(page.map((p) => p.id));
	return page.flatMap((p) => {
		const item = items.get(p.id);
		return item === undefined ? [] : [{ ...item, score: p.score }];
	});
}

/**
 * Items with text but no vector (put before the store had embeddings) would be left out of a semantic
 * ranking silently, looking like lost memories: `EMBEDDING_FAILED` naming how many, and what to do.
 */
function notEmbedded(n: number, embedded: number, where: string): WeftError {
	return new WeftError(
		"EMBEDDING_FAILED",
		`${n} of the ${n + embedded} items under ${where} that semantic search would rank have no vector: they were put before the store had embeddings`,
		{
			hint: 'put those items again so that the embeddings model embeds them (search with mode: "text" to find them), or search with mode: "hybrid", which finds them by their words',
		},
	);
}

/** Best score first; a tie by id, so that every backend pages through it alike (not by its scan order). */
const byScore = (
	a: { id: string; score: number },
	b: { id: string; score: number },
) => b.score - a.score || compare(a.id, b.id);

/** Sorts items newest update first, then by namespace and key (a total order every backend shares). */
export function byNewest(a: StoreItem, b: StoreItem): number {
	return (
		b.updatedAt.getTime() - a.updatedAt.getTime() ||
		compare(a.namespace.join("\u001f"), b.namespace.join("\u001f")) ||
		compare(a.key, b.key)
	);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A JSON value, checked to be one (no undefined, functions, non-finite numbers, cycles via JSON). */
export function jsonCopy(value: JsonValue): JsonValue {
	return JSON.parse(JSON.stringify(value)) as JsonValue;
}
