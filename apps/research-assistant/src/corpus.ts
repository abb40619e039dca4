import { readdirSync, readFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { LocalRetriever } from "@weft/graph/llm";
import type { Passage } from "./state.ts";

/** The bundled corpus: twelve State of the Union addresses (public domain; see corpus/LICENSE.md). */
export const BUNDLED_CORPUS = fileURLToPath(
	new URL("../corpus", import.meta.url),
);

/** The .txt and .md files of a directory, named by file (without extension). */
export function loadCorpus(
	dir: string = BUNDLED_CORPUS,
): Array<{ source: string; text: string }> {
	let files: string[];
	try {
		files = readdirSync(dir).filter(
			(f) => /\.(txt|md|markdown)$/i.test(f) && !/^LICENSE/i.test(f),
		);
	} catch {
		throw new Error(`cannot read the documents directory ${dir}`);
	}
	if (files.length === 0)
		throw new Error(`${dir} has no .txt or .md files to search`);
	return files.sort().map((f) => ({
		source: basename(f, extname(f)),
		text: readFileSync(join(dir, f), "utf8"),
	}));
}

/** Full-text search (BM25, `LocalRetriever` of @weft/graph/llm) over a corpus, passages named `document#n`. */
export class PassageIndex {
	readonly #retriever: LocalRetriever;

	constructor(texts: Array<{ source: string; text: string }>) {
		this.#retriever = LocalRetriever.fromTexts(texts, { k: 4, maxChars: 900 });
	}

	async search(query: string): Promise<Passage[]> {
		const docs = await this.#retriever.invoke(query);
		return docs.map((d) => ({
			source: `${d.metadata.source}#${d.metadata.passage + 1}`,
			text: d.pageContent,
		}));
	}
}

const indexes = new Map<string, PassageIndex>();

/** The search index of a documents directory ("" for the bundled corpus), built once per process. */
export function indexFor(docs: string): PassageIndex {
	const dir = docs === "" ? BUNDLED_CORPUS : docs;
	let index = indexes.get(dir);
	if (index === undefined) {
		index = new PassageIndex(loadCorpus(dir));
		indexes.set(dir, index);
	}
	return index;
}
