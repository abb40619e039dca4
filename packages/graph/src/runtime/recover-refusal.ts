import { type ThreadInfo, WeftError } from "@weft/checkpoint";

/**
 * Why `recover()` does not apply to a thread as read (decision 0112), or undefined when it does: a `stale`
 * thread (its runner died), one recorded `running` (the run then answers THREAD_BUSY while its runner's
 * lease holds, or takes it over once it lapsed), or a `done` one (its runner finished: recovering it
 * returns it as it is, so "kill at any point, then recover" always works). A thread whose runner stopped
 * on its own is refused naming the call that does what was meant: a failed or cancelled run goes on with
 * `run(null)`, a question is answered with `Command({ resume })`.
 */
export function recoverRefusal(
	threadId: string,
	thread: ThreadInfo | undefined,
): WeftError | undefined {
	if (thread === undefined)
		return new WeftError(
			"CONFIG_INVALID",
			`thread "${threadId}" has never run: nothing to recover`,
			{ hint: "start it with run(input, { threadId })" },
		);
	const notStale = `thread "${threadId}" is ${thread.status}, not stale: recover() takes over a thread whose runner died`;
	switch (thread.status) {
		case "stale":
		case "running":
			return undefined;
		case "interrupted":
			return new WeftError(
				"CONFIG_INVALID",
				`thread "${threadId}" is waiting for an answer, not stale: nothing to recover`,
				{
					hint: "see what it asks with getState({ threadId }).interrupts, then answer with run(new Command({ resume }), { threadId })",
				},
			);
		case "done":
			// its runner finished (killed after it recorded the end, say): recovering finds it so
			return undefined;
		case "failed":
		case "cancelled":
			return new WeftError(
				"CONFIG_INVALID",
				notStale,
				thread.checkpointId === null
					? {
							hint: "its input was never stored: start it again with run(input, { threadId })",
						}
					: {
							hint: "to run it on from its newest checkpoint, reusing what it saved, call run(null, { threadId })",
						},
			);
	}
}
