import { type ThreadInfo, WeftError } from "@weft/checkpoint";

/**
 * Why `recover()` does not apply to a thread as read (decision 0112), or undefined when it does: a `stale`
 * thread (its runner died), or one recorded `running` (the run then answers THREAD_BUSY while its runner's
 * lease holds, or takes it over once it lapsed). Every other thread has a runner that stopped on its own,
 * and the call that does what was meant is named: a failed or cancelled run goes on with `run(null)`, a
 * question is answered with `Command({ resume })`, a done thread takes new input or a fork.
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
			return new WeftError(
				"CONFIG_INVALID",
				`thread "${threadId}" is done, not stale: nothing to recover`,
				{
					hint: "start its next turn with run(input, { threadId }), or branch off a past checkpoint with updateState or replay; tasks due at its newest checkpoint (after an updateState) run with run(null, { threadId })",
				},
			);
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
