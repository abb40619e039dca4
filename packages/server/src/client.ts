// @weft/server/client: what the LangGraph SDK has no method for.

/** Feedback as the server answers it. */
export interface FeedbackRecord {
	feedback_id: string;
	thread_id: string;
	checkpoint_id: string | null;
	score: number | null;
	label: string | null;
	comment: string | null;
	by: string | null;
	created_at: string;
}

/** Feedback to record: a score, a label or a comment (at least one), on the thread or one checkpoint. */
export interface FeedbackCreateInput {
	score?: number | undefined;
	label?: string | undefined;
	comment?: string | undefined;
	checkpointId?: string | undefined;
	/** Who gave it; ignored (the caller's identity is used) when the server has auth. */
	by?: string | undefined;
}

/** Options of `WeftClient`. */
export interface WeftClientOptions {
	/** The server's URL, like `http://127.0.0.1:2024`. */
	apiUrl: string;
	/** Sent as `Authorization: Bearer <apiKey>` when given. */
	apiKey?: string | undefined;
	headers?: Record<string, string> | undefined;
}

/** An error answer of the server: its HTTP status and Weft error code. */
export class WeftClientError extends Error {
	constructor(
		readonly status: number,
		readonly code: string | undefined,
		message: string,
		readonly hint?: string | undefined,
	) {
		super(message);
		this.name = "WeftClientError";
	}
}

/**
 * A small typed client for Weft's own routes; use `@langchain/langgraph-sdk`'s `Client` for the rest.
 * @example
 * const weft = new WeftClient({ apiUrl: "http://127.0.0.1:2024" });
 * await weft.feedback.create(threadId, { score: 1, label: "helpful" });
 */
export class WeftClient {
	readonly #url: string;
	readonly #headers: Record<string, string>;

	constructor(options: WeftClientOptions) {
		this.#url = options.apiUrl.replace(/\/+$/, "");
		this.#headers = {
			"content-type": "application/json",
			...(options.apiKey === undefined
				? {}
				: { authorization: `Bearer ${options.apiKey}` }),
			...options.headers,
		};
	}

	/** Feedback on a thread's runs: record it, list it. */
	readonly feedback = {
		create: (
			threadId: string,
			input: FeedbackCreateInput,
		): Promise<FeedbackRecord> =>
			this.#fetch("POST", `/threads/${encodeURIComponent(threadId)}/feedback`, {
				score: input.score,
				label: input.label,
				comment: input.comment,
				checkpoint_id: input.checkpointId,
				by: input.by,
			}),
		list: (
			threadId: string,
			filter: { checkpointId?: string; label?: string; limit?: number } = {},
		): Promise<FeedbackRecord[]> => {
			const q = new URLSearchParams();
			if (filter.checkpointId !== undefined)
				q.set("checkpoint_id", filter.checkpointId);
			if (filter.label !== undefined) q.set("label", filter.label);
			if (filter.limit !== undefined) q.set("limit", String(filter.limit));
			const query = q.size === 0 ? "" : `?${q}`;
			return this.#fetch(
				"GET",
				`/threads/${encodeURIComponent(threadId)}/feedback${query}`,
			);
		},
	};

	async #fetch<T>(method: string, path: string, body?: unknown): Promise<T> {
		const response = await fetch(`${this.#url}${path}`, {
			method,
			headers: this.#headers,
			...(body === undefined ? {} : { body: JSON.stringify(body) }),
		});
		const text = await response.text();
		const json: unknown = text === "" ? null : JSON.parse(text);
		if (!response.ok) {
			const e = (json ?? {}) as {
				detail?: string;
				code?: string;
				hint?: string;
			};
			throw new WeftClientError(
				response.status,
				e.code,
				e.detail ?? `HTTP ${response.status}`,
				e.hint,
			);
		}
		return json as T;
	}
}
