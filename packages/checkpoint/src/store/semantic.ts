import { WeftError } from "../errors.ts";
import type { EmbeddingsLike, SearchMode, StoreIndexOptions } from "./store.ts";

/** Cosine similarity of two vectors of one length (0 when either is all zeros). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
	let dot = 0;
	let na = 0;
	let nb = 0;
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) {
		const x = a[i] as number;
		const y = b[i] as number;
		dot += x * y;
		na += x * x;
		nb += y * y;
	}
	return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** The constant of reciprocal rank fusion (the usual 60). */
const RRF_K = 60;

/**
 * Fuses ranked lists of ids by reciprocal rank: each list adds `1 / (60 + rank)` to an id's score. Robust
 * to the lists' scores being on different scales (BM25 vs cosine), which is why hybrid search uses it.
 */
export function fuseRanks(
	lists: readonly (readonly string[])[],
): Map<string, number> {
	const scores = new Map<string, number>();
	for (const list of lists)
		list.forEach((id, rank) => {
			scores.set(id, (scores.get(id) ?? 0) + 1 / (RRF_K + rank + 1));
		});
	return scores;
}

const MODES: readonly unknown[] = ["text", "semantic", "hybrid"];

/** Picks the search mode and checks it can run on this store (an unknown mode is `CONFIG_INVALID`). */
export function modeOf(
	mode: SearchMode | undefined,
	index: StoreIndexOptions,
): SearchMode {
	if (mode !== undefined && !MODES.includes(mode))
		throw new WeftError(
			"CONFIG_INVALID",
			`search mode ${JSON.stringify(mode) ?? String(mode)} is unknown`,
			{ hint: 'use "text", "semantic" or "hybrid", or leave it out' },
		);
	const chosen = mode ?? (index.embeddings === undefined ? "text" : "semantic");
	if (chosen !== "text" && index.embeddings === undefined)
		throw new WeftError(
			"CONFIG_INVALID",
			`${chosen} search needs embeddings, and this store has none`,
			{
				hint: "create the store with { index: { embeddings } } (any @langchain/core Embeddings), or search in text mode",
			},
		);
	return chosen;
}

async function embedding<T>(what: string, fn: () => Promise<T>): Promise<T> {
	try {
		return await fn();
	} catch (error) {
		throw new WeftError(
			"EMBEDDING_FAILED",
			`embedding ${what} failed: ${error instanceof Error ? error.message : String(error)}`,
			{
				hint: "check the embeddings model (its key, endpoint, limits); the store was not changed",
				cause: error,
			},
		);
	}
}

/** The largest float32: a vector is stored as float32, and a number past it becomes Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The model's vector, checked: a non-empty list of finite numbers within float32's range (else cosine
 * is NaN or meaningless).
 */
function vectorOf(what: string, vector: unknown): Float32Array {
	if (
		Array.isArray(vector) &&
		vector.length > 0 &&
		vector.every((x) => typeof x === "number" && Math.abs(x) <= FLOAT32_MAX)
	)
		return Float32Array.from(vector);
	const shown = Array.isArray(vector)
		? vector.length === 0
			? "an empty vector"
			: vector.every((x) => typeof x === "number" && Number.isFinite(x))
				? `a vector holding a number past float32's range (±${FLOAT32_MAX}, stored as Infinity)`
				: "a vector holding something other than finite numbers"
		: (JSON.stringify(vector) ?? String(vector));
	throw new WeftError(
		"EMBEDDING_FAILED",
		`embedding ${what} gave ${shown}, not a list of finite float32 numbers`,
		{
			hint: "check the embeddings model: embedDocuments must return one number[] per text, embedQuery one number[]; the store was not changed",
		},
	);
}

/** The vector of an item's indexed text (undefined without embeddings or text). */
export async function embedText(
	embeddings: EmbeddingsLike | undefined,
	text: string,
): Promise<Float32Array | undefined> {
	if (embeddings === undefined || text === "") return undefined;
	const vectors = await embedding("an item", () =>
		embeddings.embedDocuments([text]),
	);
	return vectorOf("an item", Array.isArray(vectors) ? vectors[0] : vectors);
}

/** The vector of a query. */
export async function embedQuery(
	embeddings: EmbeddingsLike,
	query: string,
): Promise<Float32Array> {
	return vectorOf(
		"the query",
		await embedding("the query", () => embeddings.embedQuery(query)),
	);
}

/**
 * Checks that the stored vectors have the query's length: vectors of another length come from another
 * embeddings model (or another size of it), and no similarity between them means anything. Throws
 * `EMBEDDING_FAILED` naming both lengths.
 */
export function checkDimensions(
	query: Float32Array,
	stored: readonly { vector: Float32Array }[],
	where: string,
): void {
	const other = stored.filter((s) => s.vector.length !== query.length);
	if (other.length === 0) return;
	const lengths = [...new Set(other.map((s) => s.vector.length))].join(", ");
	throw new WeftError(
		"EMBEDDING_FAILED",
		`the query's vector has ${query.length} dimensions, but ${other.length} of the ${stored.length} stored vectors under ${where} have ${lengths}: they were embedded with another model`,
		{
			hint: 'search with the embeddings model the items were put with, or put those items again so the current model embeds them; text search (mode: "text") needs no vectors',
		},
	);
}

/** A vector as bytes (float32, little-endian as the platform stores it) and back. */
export function vectorToBytes(v: Float32Array): Buffer {
	return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

export function bytesToVector(b: Uint8Array): Float32Array {
	const copy = new Uint8Array(b);
	return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}
