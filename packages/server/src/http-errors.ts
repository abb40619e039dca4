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
			detail: weft.message,
			code: weft.code,
			hint: forClients(weft.hint),
		},
	};
}

/**
 * A hint of the runtime's in the words of a client of the server: the library's history call
 * (`getStateHistory`, in CHECKPOINT_NOT_FOUND's and CORRUPT_CHECKPOINT's hints) is the SDK's
 * `threads.getHistory` here (`POST /threads/:id/history`).
 */
function forClients(hint: string | undefined): string | undefined {
	return hint
		?.replace("getStateHistory(config, ", "threads.getHistory(thread, ")
		.replace(
			"getStateHistory()",
			"threads.getHistory() (POST /threads/:id/history)",
		);
}

/** A 404 for an id that does not exist (or belongs to another owner). */
export function notFound(what: string, id: string): WeftError {
	return new WeftError("NOT_FOUND", `no ${what} "${id}"`, {
		hint: `check the ${what} id, and that the request carries its owner's credentials`,
	});
}
