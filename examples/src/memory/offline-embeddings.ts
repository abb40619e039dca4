import { Embeddings } from "@langchain/core/embeddings";

/** Words this stand-in takes to mean the same (a real model learns such things). */
const SYNONYMS: Record<string, string> = {
	beverage: "drink",
	drink: "drink",
	tea: "drink",
	coffee: "drink",
	pet: "animal",
	dog: "animal",
	cat: "animal",
};

const DIMENSIONS = 64;

/** A word's dimension: an FNV-1a hash of it. */
function dimension(word: string): number {
	let h = 2166136261;
	for (let i = 0; i < word.length; i++)
		h = Math.imul(h ^ word.charCodeAt(i), 16777619);
	return (h >>> 0) % DIMENSIONS;
}

/**
 * Offline, deterministic embeddings for the examples: a bag of words hashed into 64 dimensions, where a
 * few words share a meaning (tea and coffee are both "drink"). A `@langchain/core` `Embeddings` like
 * `OpenAIEmbeddings`, which is what a real store would be given.
 */
export class OfflineEmbeddings extends Embeddings {
	constructor() {
		super({});
	}

	#embed(text: string): number[] {
		const v = new Array<number>(DIMENSIONS).fill(0);
		for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
			const meaning = SYNONYMS[word];
			v[dimension(meaning ?? word)]! += meaning === undefined ? 1 : 2;
		}
		return v;
	}

	async embedDocuments(texts: string[]): Promise<number[][]> {
		return texts.map((t) => this.#embed(t));
	}

	async embedQuery(text: string): Promise<number[]> {
		return this.#embed(text);
	}
}
