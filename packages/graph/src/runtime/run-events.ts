import type { StreamConfig, StreamEvent } from "./events.ts";
import { Run } from "./loop.ts";
import type { GraphRuntime } from "./runtime.ts";
import { DEFAULT_MODES, streamModes } from "./stream-modes.ts";

/**
 * A run's events as an async generator (`stream()`, `streamReplay()`): the run starts at the first read and its
 * events queue until read; the last is `end`. Leaving the loop before the run's interrupt or end cancels
 * the run as its signal would, and waits for it to end (decision 0102).
 */
export async function* runEvents(
	rt: GraphRuntime,
	input: unknown,
	config: StreamConfig,
	options: { fresh?: boolean },
): AsyncGenerator<StreamEvent> {
	const modes =
		config.mode === undefined ? DEFAULT_MODES : streamModes(config.mode);
	const queue: StreamEvent[] = [];
	let wake: (() => void) | undefined;
	let finished = false;
	let failure: { error: unknown } | undefined;
	const sink = (event: StreamEvent) => {
		queue.push(event);
		wake?.();
	};
	// a consumer that leaves the loop early stops the run, as its signal would (one controller a stream)
	const left = new AbortController();
	const given = config.signal;
	const signal =
		given === undefined
			? left.signal
			: given instanceof AbortSignal
				? AbortSignal.any([given, left.signal])
				: given; // refused by the run's config check
	const done = new Run(
		rt,
		{ ...config, signal },
		{
			...options,
			sink,
			modes,
			subgraphs: config.subgraphs === true,
		},
	)
		.execute(input)
		.then(
			() => {
				finished = true;
				wake?.();
			},
			(error: unknown) => {
				failure = { error };
				finished = true;
				wake?.();
			},
		);
	let ended = false;
	try {
		while (true) {
			while (queue.length > 0) {
				const event = queue.shift() as StreamEvent;
				ended ||= event.type === "end" || event.type === "interrupt";
				yield event;
			}
			if (finished) break;
			await new Promise<void>((resolve) => {
				wake = resolve;
			});
			wake = undefined;
		}
	} finally {
		// left early (break, return, a throw in the loop's body): the run ends cancelled, its lease given
		// up before the consumer goes on; a run whose interrupt or end was seen is let finish
		if (!finished) {
			if (!ended) left.abort();
			await done;
		}
	}
	if (failure !== undefined) throw failure.error;
}
