// Damage done to a SQLite store file behind the store's back, as a bad disk or a hand edit would, for the
// tests of what readers do with data they cannot read.
import { RawSqlite } from "./raw-sqlite.ts";

/**
 * Overwrites a column of a thread's newest checkpoint so that it no longer reads (`CORRUPT_CHECKPOINT`):
 * its data (the default; its row and metadata stay, so listings still read it), or its metadata (then
 * listings of the thread stop at it too).
 */
export function damageNewestCheckpoint(
	path: string,
	threadId: string,
	column: "data" | "metadata" = "data",
): void {
	const value = column === "data" ? "x'0001'" : "'{not json'";
	const file = new RawSqlite(path);
	try {
		file
			.prepare(
				`UPDATE checkpoints SET ${column} = ${value} WHERE thread_id = ? AND seq = (SELECT max(seq) FROM checkpoints WHERE thread_id = ?)`,
			)
			.run(threadId, threadId);
	} finally {
		file.close();
	}
}

/**
 * Makes a thread's first checkpoint its own parent, a cycle no put makes (walks along parents must name it,
 * not go round for ever); returns that checkpoint's id.
 */
export function makeFirstCheckpointItsOwnParent(
	path: string,
	threadId: string,
): string {
	const file = new RawSqlite(path);
	try {
		const { checkpoint_id: first } = file
			.prepare(
				"SELECT checkpoint_id FROM checkpoints WHERE thread_id = ? AND parent_id IS NULL",
			)
			.get(threadId) as { checkpoint_id: string };
		file
			.prepare(
				"UPDATE checkpoints SET parent_id = ? WHERE thread_id = ? AND checkpoint_id = ?",
			)
			.run(first, threadId, first);
		return first;
	} finally {
		file.close();
	}
}
