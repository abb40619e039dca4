import type { EmbeddingsLike } from "../store.ts";

/** Words that mean the same to `WordEmbeddings` (so semantic search finds what full text cannot). */
const CONCEPTS: Record<string, string> = {
	beverage: "drink",
	drink: "drink",
	drinks: "drink",
	tea: "drink",
	coffee: "drink",
	juice: "drink",
	pet: "animal",
	dog: "animal",
	cat: "animal",
	animal: "animal",
};

const DIMENSIONS = 256;

function hash(word: string): number {
	let h = 2166136261;
	for (let i = 0; i < word.length; i++) {
		h ^= word.charCodeAt(i);
		h = Math.imul(h, 16777619);
	}
	return (h >>> 0) % DIMENSIONS;
}

/**
 * Deterministic, offline embeddings for tests: a bag of words hashed into 256 dimensions, where a few words
 * share a concept (tea, coffee and juice are all "drink"; dog and cat are "animal"). Counts calls.
 */
export class WordEmbeddings implements EmbeddingsLike {
	calls = 0;

	embed(text: string): number[] {
		const v = new Array<number>(DIMENSIONS).fill(0);
		for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
			const concept = CONCEPTS[word];
			v[hash(concept ?? word)]! += concept === undefined ? 1 : 2;
		}
		return v;
	}

	async embedDocuments(texts: string[]): Promise<number[][]> {
		this.calls++;
		return texts.map((t) => this.embed(t));
	}

	async embedQuery(text: string): Promise<number[]> {
		this.calls++;
		return this.embed(text);
	}
}

export const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));
