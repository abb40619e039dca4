import { isWeftError, WeftError, type WeftErrorCode } from "@weft/checkpoint";
import { isConnectionLoss } from "@weft/checkpoint-postgres";

/** The HTTP status of every error code the server answers with; any other code is a 500. */
export const HTTP_STATUS: Readonly<Partial<Record<WeftErrorCode, number>>> = {
	VALIDATION_FAILED: 422,
	// a value the request carried that the store cannot keep (e.g. a NUL character in Postgres text)
	SERIALIZATION_FAILED: 422,
	INVALID_UPDATE: 422,
	CONFIG_INVALID: 422,
	INVALID_ID: 422,
	INVALID_NAMESPACE: 422,
	UNKNOWN_NODE: 422,
	NO_PENDING_INTERRUPT: 409,
	UNKNOWN_INTERRUPT_ID: 422,
	AMBIGUOUS_RESUME: 422,
	CHECKPOINT_NOT_FOUND: 404,
	NOT_FOUND: 404,
	METHOD_NOT_ALLOWED: 405,
	UNAUTHENTICATED: 401,
	FORBIDDEN: 403,
	EVENTS_EXPIRED: 410,
	SHUTTING_DOWN: 503,
	THREAD_BUSY: 409,
	LEASE_LOST: 409,
	CHECKPOINT_CONFLICT: 409,
	GRAPH_CHANGED: 409,
	RUN_CANCELLED: 409,
	STORE_UNAVAILABLE: 503,
	RATE_LIMITED: 429,
};

/** The JSON body of an error answer: LangGraph's `detail`, plus Weft's code and hint. */
export interface ErrorBody {
	detail: string;
	code: WeftErrorCode;
	hint?: string | undefined;
}

/**
 * The WeftError a thrown value stands for: itself, STORE_UNAVAILABLE for a lost database connection (503:
 * the client may try again; decision 0141), else INTERNAL_ERROR (500: no node threw, the server failed).
 */
function weftErrorOf(error: unknown): WeftError {
	if (isWeftError(error)) return error;
	const message = error instanceof Error ? error.message : String(error);
	if (isConnectionLoss(error))
		return new WeftError(
			"STORE_UNAVAILABLE",
			`the database connection was lost: ${message}`,
			{
				hint: "try again (the server replaces the connection); a change this request made may or may not have been saved, so read it back first where that matters",
				cause: error,
			},
		);
	return new WeftError("INTERNAL_ERROR", message, {
		hint: "the server failed on something it did not expect (a bug, or a hook such as authenticate that threw): its log has the stack; report it with the request",
		cause: error,
	});
}

/** Maps any thrown value to an HTTP status and body. */
export function toHttpError(error: unknown): {
	status: number;
	body: ErrorBody;
} {
	const weft = weftErrorOf(error);
	const status = HTTP_STATUS[weft.code] ?? 500;
	return {
		status,
		body: {
			detail: forClients(weft.message),
			code: weft.code,
			hint: forClients(weft.hint),
		},
	};
}

/** A failed run's error as LangGraph's `__error__` and `error` event carry it, with Weft's hint beside. */
export interface RunError {
	/** The code (LangGraph: the error's name). */
	error: string;
	message: string;
	/** What to do about it, in a client's words (Weft's; absent when the error has none). */
	hint?: string | undefined;
}

/** What a run's failure says to a client: the code, message and hint of its HTTP error answer. */
export function runErrorOf(error: unknown): RunError {
	const { body } = toHttpError(error);
	return {
		error: body.code,
		message: body.detail,
		...(body.hint === undefined ? {} : { hint: body.hint }),
	};
}

/**
 * The runtime's words for what a client of the server does, as that client says it: the library's calls
 * and options (no request reaches them) become the SDK's calls and the request's fields. Applied to every
 * error answer's detail and hint (a run's `__error__` and `error` event too), in this order.
 */
const CLIENT_TERMS: ReadonlyArray<[library: string, client: string]> = [
	// CHECKPOINT_NOT_FOUND's and CORRUPT_CHECKPOINT's hints (decision 0260)
	["getStateHistory(config, ", "threads.getHistory(thread, "],
	["getStateHistory()", "threads.getHistory() (POST /threads/:id/history)"],
	[
		"(updateState with its checkpointId)",
		"(threads.updateState with its checkpointId)",
	],
	// UNKNOWN_NODE of an update (threads.updateState, a thread's supersteps): the request's field
	["updateState: asNode ", "as_node "],
	// the store's THREAD_BUSY, and the runtime's when a run's wait for the lease ran out (decision 0266)
	[
		"wait for that run to finish (or pass { waitForLease: ms })",
		"retry once that run is done",
	],
	[
		"pass a larger waitForLease, or look at the thread (getThread) and try later",
		"retry later (threads.get shows whether the thread is still busy)",
	],
	[" for it (waitForLease)", " for it"],
	// GRAPH_RECURSION_LIMIT's hint, now that a run's failure carries its hint (decision 0272)
	["raise recursionLimit in the run config", "raise config.recursion_limit"],
];

/** A message or hint of the runtime's in the words of a client of the server (`CLIENT_TERMS`). */
function forClients<T extends string | undefined>(text: T): T {
	if (text === undefined) return text;
	let out: string = text;
	for (const [library, client] of CLIENT_TERMS)
		out = out.replaceAll(library, client);
	return out as T;
}

/** A 404 for an id that does not exist (or belongs to another owner). */
export function notFound(what: string, id: string): WeftError {
	return new WeftError("NOT_FOUND", `no ${what} "${id}"`, {
		hint: `check the ${what} id, and that the request carries its owner's credentials`,
	});
}
