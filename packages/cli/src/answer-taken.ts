import type { Checkpointer } from "@weft/checkpoint";
import { exitedHolder, exitedText } from "./exited-holder.ts";
import { WEFT } from "./invocation.ts";
import { shellWord } from "./store.ts";

/**
 * Why nothing waits on a thread whose newest branch holds no question, when a run is on it: it runs now, its
 * process exited (a `weft approve` killed), or its lease lapsed (`stale`). When that run took the answer
 * (the newest checkpoint records one its step did not finish), `weft recover` goes on with that answer
 * (decision 0209), and `weft continue` after a run cancelled there (Ctrl-C during `weft approve`);
 * "answered already?" sent the person looking for a result no run had saved. When it has asked nothing
 * there (`answered` false: a run still in its first steps), no run has an answer: the hint says to follow
 * it and answer once it asks (decision 0262). Undefined when the thread is in no run and took no answer.
 */
export async function answerTakenHint(
	checkpointer: Checkpointer,
	threadId: string,
	storeFlags: string,
	answered: boolean,
): Promise<string | undefined> {
	const info = await checkpointer.getThread(threadId);
	const t = shellWord(threadId);
	const weft = `${WEFT}${storeFlags}`;
	if (info?.status === "stale")
		return answered
			? `a run took the answer and stopped before saving its step (its process died): \`${weft} recover ${t}\` goes on with that answer`
			: `its run stopped before saving its step (its process died), and no question waits: \`${weft} recover ${t}\` goes on`;
	if (answered && (info?.status === "cancelled" || info?.status === "failed"))
		return `a run took the answer and was ${info.status === "cancelled" ? "cancelled" : "stopped"} before saving its step: \`${weft} continue ${t}\` goes on with that answer`;
	if (info?.status !== "running") return undefined;
	const gone = exitedHolder(info.lease);
	if (!answered)
		return gone === undefined
			? `a run is going on and asks nothing now: follow it with \`${weft} watch ${t}\`, and answer once it pauses`
			: `no question waits: ${exitedText(gone, threadId, storeFlags)}`;
	return gone === undefined
		? `a run has the answer and is running now: follow it with \`${weft} watch ${t}\``
		: `a run took the answer and did not save its step: ${exitedText(gone, threadId, storeFlags)} with that answer`;
}

/** Whether a checkpoint records an answer its step has not finished with (a run took it there). */
export const recordsAnswer = (tuple: {
	pendingWrites: readonly { kind: string }[];
}): boolean => tuple.pendingWrites.some((w) => w.kind === "resume");
