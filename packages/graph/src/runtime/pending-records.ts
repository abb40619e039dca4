import type { PendingWrite } from "@weft/checkpoint";
import { corruptCheckpoint } from "@weft/checkpoint";

/** Where pending writes were recorded: named by CORRUPT_CHECKPOINT when one is not a whole record. */
export interface PendingPlace {
	threadId: string;
	ns?: string | undefined;
	checkpointId: string;
}

/** Throws CORRUPT_CHECKPOINT naming `place` for the first pending write that is not a whole record. */
export function checkRecords(
	writes: readonly PendingWrite[],
	place: PendingPlace,
): void {
	for (const w of writes) checkRecord(w, place);
}

/** Throws CORRUPT_CHECKPOINT naming `place` when `w` is not a whole record. */
export function checkRecord(w: PendingWrite, place: PendingPlace): void {
	const problem = recordProblem(w);
	if (problem !== undefined) throw corruptCheckpoint(place, problem);
}

/** What a pending write lacks for its kind (undefined: a whole record). */
function recordProblem(w: PendingWrite): string | undefined {
	const r = w as unknown as Record<string, unknown>;
	switch (w.kind) {
		case "done":
			return Array.isArray(r.writes) &&
				r.writes.every(isChannelWrite) &&
				(r.goto === undefined || Array.isArray(r.goto))
				? undefined
				: `task "${w.taskId}"'s done record has no writes list`;
		case "interrupt":
			return typeof r.id === "string" &&
				typeof r.node === "string" &&
				isPosition(r.index)
				? undefined
				: `task "${w.taskId}"'s interrupt record lacks its id, node or position`;
		case "resume":
			return isPosition(r.index)
				? undefined
				: `task "${w.taskId}"'s answer record lacks its position`;
		case "once":
		case "once-start":
			return typeof r.key === "string"
				? undefined
				: `task "${w.taskId}"'s once record lacks its key`;
		default:
			return undefined;
	}
}

const isChannelWrite = (w: unknown): boolean =>
	Array.isArray(w) && typeof w[0] === "string" && typeof w[1] === "string";

/** An interrupt's position in its node run (-1: a pause before the node). */
const isPosition = (v: unknown): boolean => Number.isInteger(v);
