import type { DocumentInterface } from "@langchain/core/documents";
import { z } from "zod";
import type { CallOptions, NodeContext } from "../index.ts";
import { onceResult } from "../runtime/task-context.ts";
import { shown } from "../shown.ts";
import { invalidOption } from "./check-options.ts";

/** Anything that answers a query with documents: a `@langchain/core` retriever, or `LocalRetriever`. */
export interface RetrieverLike {
	invoke(
		query: string,
		options?: { signal?: AbortSignal } & CallOptions,
	): Promise<DocumentInterface[]>;
}

export interface RetrieverNodeOptions<TState, TKey extends string> {
	retriever: RetrieverLike;
	/** The query, from the state. */
	query: (state: TState) => string;
	/** The state key the documents are written to. */
	into: TKey;
}

/**
 * A node that retrieves documents for a query from the state and writes them to a key. The retrieval
 * runs once per node task.
 * @example
 * graph.addNode("retrieve", retrieverNode({ retriever, query: (s) => s.question, into: "docs" }))
 */
export function retrieverNode<TState, const TKey extends string>(
	options: RetrieverNodeOptions<TState, TKey>,
): (
	state: TState,
	ctx: NodeContext,
) => Promise<{ [K in TKey]: DocumentInterface[] }> {
	checkOptions(options);
	return async (state, ctx) => {
		const query = options.query(state);
		if (typeof query !== "string")
			throw invalidOption(
				"retrieverNode",
				`query gave ${shown(query)}, not a string`,
				"make query return the text to search for, e.g. query: (state) => state.question (a state key not set yet is undefined)",
			);
		const docs = await onceResult(ctx, "retrieve", async () => {
			const found = await options.retriever.invoke(query, {
				...ctx.callOptions,
				signal: ctx.signal,
			});
			// plain objects: they are saved with the task and in checkpoints as they are
			return found.map((d) => ({
				pageContent: d.pageContent,
				metadata: { ...d.metadata },
				...(d.id === undefined ? {} : { id: d.id }),
			}));
		});
		return { [options.into]: docs } as { [K in TKey]: DocumentInterface[] };
	};
}

/** The node's options, checked when it is made (not at its first run). */
function checkOptions(options: {
	retriever: unknown;
	query: unknown;
	into: unknown;
}): void {
	const { retriever, query, into } = options;
	if (
		typeof retriever !== "object" ||
		retriever === null ||
		typeof (retriever as { invoke?: unknown }).invoke !== "function"
	)
		throw invalidOption(
			"retrieverNode",
			`retriever must be a retriever (an object with invoke(query)), not ${shown(retriever)}`,
			'pass e.g. retriever: await LocalRetriever.fromDirectory("docs"), or any @langchain/core retriever',
		);
	if (typeof query !== "function")
		throw invalidOption(
			"retrieverNode",
			`query must be a function of the state giving the query, not ${shown(query)}`,
			"pass e.g. query: (state) => state.question",
		);
	if (typeof into !== "string" || into === "")
		throw invalidOption(
			"retrieverNode",
			`into must be the name of a state key, not ${shown(into)}`,
			'pass e.g. into: "docs", a key made with documents() in the state schema',
		);
}

/** A state key holding retrieved documents (last value wins). */
export function documents() {
	return z
		.array(
			z.object({
				pageContent: z.string(),
				metadata: z.record(z.string(), z.any()),
				id: z.string().optional(),
			}),
		)
		.default([]) as unknown as z.ZodDefault<z.ZodType<DocumentInterface[]>>;
}

/** Documents as prompt context: `[source#passage] text` blocks. */
export function formatDocuments(docs: readonly DocumentInterface[]): string {
	checkDocuments(docs);
	return docs
		.map((d) => {
			// metadata is optional: a document without it gets no [source#passage] label
			const { source, passage } = (d.metadata ?? {}) as {
				source?: unknown;
				passage?: unknown;
			};
			const label =
				source === undefined
					? ""
					: `[${String(source)}${passage === undefined ? "" : `#${String(passage)}`}] `;
			return `${label}${d.pageContent}`;
		})
		.join("\n\n");
}

/** `formatDocuments`' input: a list of documents, each with its text in `pageContent` (metadata optional). */
function checkDocuments(docs: unknown): void {
	const hint =
		'pass the documents a retriever returned, or objects like { pageContent: "text", metadata: { source: "a.md" } }';
	if (!Array.isArray(docs))
		throw invalidOption(
			"formatDocuments",
			`docs must be an array of documents, not ${shown(docs)}`,
			hint,
		);
	for (const [i, d] of docs.entries())
		if (
			typeof d !== "object" ||
			d === null ||
			typeof (d as { pageContent?: unknown }).pageContent !== "string"
		)
			throw invalidOption(
				"formatDocuments",
				`docs[${i}] is not a document with a text pageContent: ${shown(d)}`,
				hint,
			);
}
