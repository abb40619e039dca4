import { trace } from "@opentelemetry/api";
import { errorType } from "./errors.ts";
import { instruments } from "./instruments.ts";

/** An attempt of `node` failed and will be retried: an event on the node's span, and the retry counter. */
export function retried(node: string, attempt: number, error: unknown): void {
	const type = errorType(error);
	trace.getActiveSpan()?.addEvent("weft.node.retry", {
		"weft.attempt": attempt,
		"error.type": type,
		"exception.message": error instanceof Error ? error.message : String(error),
	});
	const m = instruments();
	if (m.on) m.retries.add(1, { "weft.node": node, "error.type": type });
}
