/**
 * Damage the conformance suite asks a backend to do to its stored rows (behind the store's back), to
 * check that every read path reports CORRUPT_CHECKPOINT instead of hanging or throwing a raw error.
 * A backend returns false for a kind it cannot hold (e.g. non-JSON metadata in a store that keeps
 * objects); the case is then skipped.
 */
export type Corruption =
	/** Point a checkpoint at another parent (e.g. a descendant, making a cycle), leaving its snapshot flag. */
	| { kind: "parent"; at: CorruptionPlace; parentId: string | null }
	/** Remove one checkpoint row only: its pending writes and children stay (a gap in their chain). */
	| { kind: "delete"; at: CorruptionPlace }
	/** Replace a checkpoint's data blob with these bytes. */
	| { kind: "blob"; at: CorruptionPlace; bytes: Uint8Array }
	/** Replace the i-th pending write's blob with these bytes. */
	| { kind: "write"; at: CorruptionPlace; index: number; bytes: Uint8Array }
	/** Replace a checkpoint's stored metadata with this text (SQL stores keep it as JSON text). */
	| { kind: "metadata"; at: CorruptionPlace; text: string };

export interface CorruptionPlace {
	threadId: string;
	ns: string;
	checkpointId: string;
}
