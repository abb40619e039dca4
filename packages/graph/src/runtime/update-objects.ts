import type { ChannelWrite } from "@weft/checkpoint";

/**
 * A task's writes as update objects, in order: one, unless a key is written twice (a subgraph node hands
 * on every step of its run), where a new object starts, so that applying the objects one after another
 * gives what the step applied and no write of a reducer key is lost. What the `updates` stream sends.
 */
export function updateObjects(
	writes: ReadonlyArray<readonly [string, string, unknown]>,
): Array<Record<string, unknown>> {
	const out: Array<Record<string, unknown>> = [];
	let entries: Array<[string, unknown]> = [];
	const keys = new Set<string>();
	for (const [, key, value] of writes) {
		if (keys.has(key)) {
			out.push(Object.fromEntries(entries));
			entries = [];
			keys.clear();
		}
		keys.add(key);
		entries.push([key, value]);
	}
	out.push(Object.fromEntries(entries));
	return out;
}

/**
 * The `updates` events of a stored step, by task id: the update objects each task's writes make (see
 * `updateObjects`), as the run streamed them. For tools that rebuild a stream from checkpoints (a server
 * whose worker died between a commit and its events), with `checkpoint.data.writes` of a checkpoint.
 */
export function updatesByTask(
	writes: readonly ChannelWrite[],
): Record<string, Array<Record<string, unknown>>> {
	const byTask = new Map<string, ChannelWrite[]>();
	for (const w of writes) {
		const list = byTask.get(w[0]);
		if (list === undefined) byTask.set(w[0], [w]);
		else list.push(w);
	}
	const out: Record<string, Array<Record<string, unknown>>> = {};
	for (const [task, list] of byTask)
		Object.defineProperty(out, task, {
			value: updateObjects(list),
			enumerable: true,
			writable: true,
			configurable: true,
		});
	return out;
}
