import { readdir, readFile } from "node:fs/promises";
import { extname, join, relative } from "node:path";
import { Document } from "@langchain/core/documents";
import {
	BaseRetriever,
	type BaseRetrieverInput,
} from "@langchain/core/retrievers";
import { keysOf } from "@weft/checkpoint";
import MiniSearch from "minisearch";
import { shown } from "../shown.ts";
import {
	checkCount,
	checkOptionObject,
	invalidOption,
} from "./check-options.ts";
import { type Passage, splitPassages } from "./passages.ts";

/** Metadata of a passage found by `LocalRetriever`. */
export interface PassageMetadata {
	/** The text's name, or the file's path relative to the directory. */
	source: string;
	/** Position of the passage in its source, from 0. */
	passage: number;
	/** BM25 score of the match. */
	score: number;
}

export interface LocalRetrieverOptions extends BaseRetrieverInput {
	/** Passages returned per query (default 4). */
	k?: number | undefined;
	/** About how long a passage is (default 800 characters). */
	maxChars?: number | undefined;
	/** Also match words by prefix and with small typos (default true). */
	fuzzy?: boolean | undefined;
}

/**
 * A small offline retriever: BM25 (minisearch) over texts or a directory of text and markdown files,
 * split into passages. Returns `@langchain/core` Documents with `{ source, passage, score }` metadata.
 * @example
 * const retriever = await LocalRetriever.fromDirectory("docs");
 * const docs = await retriever.invoke("how do interrupts resume?");
 */
export class LocalRetriever extends BaseRetriever<PassageMetadata> {
	lc_namespace = ["weft", "retrievers"];
	readonly #index: MiniSearch<Passage & { id: number }>;
	readonly #k: number;
	readonly #fuzzy: boolean;
	/** Every indexed passage. */
	readonly passages: readonly Passage[];

	constructor(
		passages: readonly Passage[],
		options: LocalRetrieverOptions = {},
	) {
		checkOptions(options);
		const { k = 4, maxChars: _m, fuzzy = true, ...base } = options;
		super(base);
		this.passages = passages;
		this.#k = k;
		this.#fuzzy = fuzzy;
		this.#index = new MiniSearch({
			fields: ["text", "source"],
			storeFields: ["source", "passage", "text"],
		});
		this.#index.addAll(passages.map((p, id) => ({ ...p, id })));
	}

	/** Indexes texts, named `text-<i>` unless given a source. */
	static fromTexts(
		texts: ReadonlyArray<
			string | { text: string; source?: string | undefined }
		>,
		options: LocalRetrieverOptions = {},
	): LocalRetriever {
		checkTexts(texts);
		checkOptions(options);
		const passages = texts.flatMap((t, i) =>
			typeof t === "string"
				? splitPassages(`text-${i}`, t, options.maxChars)
				: splitPassages(t.source ?? `text-${i}`, t.text, options.maxChars),
		);
		return new LocalRetriever(passages, options);
	}

	/** Indexes the files of a directory (recursively) with these extensions (default .md, .markdown, .txt). */
	static async fromDirectory(
		dir: string,
		options: LocalRetrieverOptions & {
			extensions?: readonly string[] | undefined;
		} = {},
	): Promise<LocalRetriever> {
		if (typeof dir !== "string" || dir === "")
			throw invalidOption(
				"LocalRetriever.fromDirectory",
				`dir must be a directory path, not ${shown(dir)}`,
				'pass e.g. fromDirectory("docs")',
			);
		checkOptions(options);
		const extensions = new Set(
			options.extensions ?? [".md", ".markdown", ".txt"],
		);
		const entries = await readdir(dir, {
			recursive: true,
			withFileTypes: true,
		}).catch((error: NodeJS.ErrnoException) => {
			throw invalidOption(
				"LocalRetriever.fromDirectory",
				`cannot read the directory ${shown(dir)}: ${error.code ?? error.message}`,
				error.code === "ENOENT"
					? `there is no ${dir} (relative paths start at ${process.cwd()}): pass the path of a directory of .md or .txt files`
					: "pass the path of a directory this process can read",
			);
		});
		const files = entries
			.filter(
				(e) => e.isFile() && extensions.has(extname(e.name).toLowerCase()),
			)
			.map((e) => join(e.parentPath, e.name))
			.sort();
		const texts = await Promise.all(
			files.map(async (file) => ({
				source: relative(dir, file).split("\\").join("/"),
				text: await readFile(file, "utf8"),
			})),
		);
		return LocalRetriever.fromTexts(texts, options);
	}

	/** Refuses a query that is not text (42 was a raw TypeError inside the index). */
	override invoke(
		query: string,
		options?: Parameters<BaseRetriever<PassageMetadata>["invoke"]>[1],
	): Promise<Document<PassageMetadata>[]> {
		if (typeof query !== "string")
			return Promise.reject(
				invalidOption(
					"LocalRetriever",
					`the query must be text, not ${shown(query)}`,
					'pass the question as a string, e.g. retriever.invoke("how do interrupts resume?")',
				),
			);
		return super.invoke(query, options);
	}

	override async _getRelevantDocuments(
		query: string,
	): Promise<Document<PassageMetadata>[]> {
		const hits = this.#index.search(
			query,
			this.#fuzzy ? { prefix: true, fuzzy: 0.2 } : {},
		);
		return hits.slice(0, this.#k).map(
			(hit) =>
				new Document<PassageMetadata>({
					pageContent: hit.text as string,
					metadata: {
						source: hit.source as string,
						passage: hit.passage as number,
						score: hit.score,
					},
				}),
		);
	}
}

/** The counts of the options, checked before any text is read or split. */
// a misspelt `kk` (for k) gave the default 4 passages without a word
const OPTION_KEYS = keysOf<LocalRetrieverOptions>({
	k: true,
	maxChars: true,
	fuzzy: true,
	callbacks: true,
	tags: true,
	metadata: true,
	verbose: true,
});

function checkOptions(options: LocalRetrieverOptions): void {
	checkOptionObject(
		"LocalRetriever",
		options,
		OPTION_KEYS,
		"pass e.g. { k: 3 }, or leave them out",
	);
	if (options.fuzzy !== undefined && typeof options.fuzzy !== "boolean")
		throw invalidOption(
			"LocalRetriever",
			`fuzzy must be true or false, not ${shown(options.fuzzy)}`,
			"leave it out for true (prefix and small-typo matches)",
		);
	checkCount("LocalRetriever", "k", options.k, 4);
	checkCount("LocalRetriever", "maxChars", options.maxChars, 800);
}

/** `fromTexts`' texts: an array of strings or `{ text, source? }`, checked before any is split. */
function checkTexts(texts: unknown): void {
	const hint =
		'pass e.g. fromTexts(["some text", { text: "more", source: "notes.md" }])';
	if (!Array.isArray(texts))
		throw invalidOption(
			"LocalRetriever.fromTexts",
			`texts must be an array of texts, not ${shown(texts)}`,
			hint,
		);
	for (const [i, t] of texts.entries()) {
		const ok =
			typeof t === "string" ||
			(typeof t === "object" &&
				t !== null &&
				typeof (t as { text?: unknown }).text === "string" &&
				["string", "undefined"].includes(
					typeof (t as { source?: unknown }).source,
				));
		if (!ok)
			throw invalidOption(
				"LocalRetriever.fromTexts",
				`texts[${i}] must be a string or { text, source? }, not ${shown(t)}`,
				hint,
			);
	}
}
