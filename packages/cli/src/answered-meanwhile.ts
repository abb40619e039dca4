import type { Checkpointer } from "@weft/checkpoint";
import {
	type Interrupt,
	isWeftError,
	pendingInterrupts,
	WeftError,
} from "@weft/graph";
import { shellWord } from "./store.ts";

/**
 * The run found nothing to answer, and the request read before it no longer waits where it did: another
 * answer (another process, the server, a script) or a run of the thread came in between and took it
 * (decision 0124). Said so, with the CLI's own hint: the generic one would offer `weft continue`, on a
 * thread already moved on. A request still waiting (on a branch the run did not resume) keeps the run's
 * own refusal, which names that branch.
 */
export async function answeredMeanwhile(
	error: unknown,
	checkpointer: Checkpointer,
	threadId: string,
	request: Interrupt,
	waitsAt: string,
): Promise<WeftError | undefined> {
	if (isWeftError(error, "UNKNOWN_INTERRUPT_ID"))
		return replacedMeanwhile(error, checkpointer, threadId, request);
	if (!isWeftError(error, "NO_PENDING_INTERRUPT")) return undefined;
	const at = await checkpointer.getTuple({ threadId, checkpointId: waitsAt });
	if (
		at !== undefined &&
		pendingInterrupts(at).some((i) => i.id === request.id)
	)
		return undefined;
	const t = shellWord(threadId);
	return new WeftError(
		"NO_PENDING_INTERRUPT",
		`the request from "${request.node}" (${request.id}) was answered meanwhile: another process answered it or ran thread "${threadId}" on after it was read; this answer was not stored`,
		{
			hint: `see what the thread is doing with \`weft show ${t}\` (\`weft watch ${t}\` follows a run still going) and what waits with \`weft pending\``,
			cause: error,
		},
	);
}

/**
 * The run found other requests waiting than the one read: a run of the thread (on new input, another
 * process's) came in between and asks anew. Said so, naming what waits now, in CLI words (the run's own
 * hint names `getState().interrupts`).
 */
async function replacedMeanwhile(
	error: WeftError,
	checkpointer: Checkpointer,
	threadId: string,
	request: Interrupt,
): Promise<WeftError | undefined> {
	const head = await checkpointer.getTuple({ threadId });
	const now = head === undefined ? [] : pendingInterrupts(head);
	if (now.some((i) => i.id === request.id)) return undefined;
	const t = shellWord(threadId);
	return new WeftError(
		"UNKNOWN_INTERRUPT_ID",
		`the request from "${request.node}" (${request.id}) no longer waits: thread "${threadId}" was run on after it was read, by another process${now.length === 0 ? "" : `, and now waits on ${now.map((i) => `"${i.node}" (${i.id})`).join(", ")}`}; this answer was not stored`,
		{
			hint: `see what waits now with \`weft pending\` (or \`weft show ${t}\`) and answer that`,
			cause: error,
		},
	);
}
