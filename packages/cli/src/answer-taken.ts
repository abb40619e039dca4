import type { Checkpointer } from "@weft/checkpoint";
import { exitedHolder, exitedText } from "./exited-holder.ts";
import { WEFT } from "./invocation.ts";
import { shellWord } from "./store.ts";

/**
 * Why nothing waits on a thread whose newest branch holds no question, when a run took the answer and
 * has not saved its step: it runs now, its process exited (a `weft approve` killed), or its lease lapsed
 * (`stale`). Then `weft recover` goes on with that answer (decision 0209); "answered already?" sent the
 * person looking for a result no run had saved. Undefined when the thread is not in a run.
 */
export async function answerTakenHint(
	checkpointer: Checkpointer,
	threadId: string,
	storeFlags: string,
): Promise<string | undefined> {
	const info = await checkpointer.getThread(threadId);
	const t = shellWord(threadId);
	const weft = `${WEFT}${storeFlags}`;
	if (info?.status === "stale")
		return `a run took the answer and stopped before saving its step (its process died): \`${weft} recover ${t}\` goes on with that answer`;
	if (info?.status !== "running") return undefined;
	const gone = exitedHolder(info.lease);
	return gone === undefined
		? `a run has the answer and is running now: follow it with \`${weft} watch ${t}\``
		: `a run took the answer and did not save its step: ${exitedText(gone, threadId, storeFlags)} with that answer`;
}
