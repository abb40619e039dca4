import type { Corruption } from "./corruption.ts";
import { freezePlain } from "./json-copy.ts";
import type { Thread } from "./memory-threads.ts";
import type {
	CheckpointData,
	CheckpointSummary,
	StoredCheckpoint,
} from "./record.ts";
import type { BlobPlace } from "./serializer.ts";
import { corruptCheckpoint } from "./store-errors.ts";

const ownBytes = (b: Uint8Array): Uint8Array =>
	b.byteLength === b.buffer.byteLength ? b : b.slice();

const NO_WRITES: Uint8Array[] = Object.freeze([]) as unknown as Uint8Array[];

/** The scalar fields of a checkpoint summary (what a row keeps besides its metadata). */
type SummaryFields = Omit<CheckpointSummary, "metadata" | "size" | "seq">;

/**
 * One stored checkpoint of MemoryCheckpointer. Its metadata is kept as a frozen plain-JSON copy (or, when
 * it is not plain JSON, as the checked JSON text written at `put`), and the frozen summary object is made
 * only when something reads it (a run writes a checkpoint per step and reads few of them).
 */
export class Row {
	data: Uint8Array;
	/** Pending writes (the shared, frozen `NO_WRITES` until the first: add them with `addWrites`). */
	writes: Uint8Array[] = NO_WRITES;
	/** How many of `writes` are interrupts (prune keeps a checkpoint with one). */
	interrupts = 0;
	children = 0;
	/** What chain walks and keyset reads need, without building the summary. */
	parentId: string | null;
	seq: number;
	snapshot: boolean;
	// the summary's other fields, kept on the row itself until the summary is built (one object less per row)
	#threadId: string;
	#ns: string;
	#checkpointId: string;
	#step: number;
	#source: CheckpointSummary["source"];
	#createdAt: string;
	#size: number;
	/**
	 * Plain JSON only this row holds (a copy, or handed over), frozen when the summary is made; or checked
	 * JSON text (see `plainJsonCopy`, `metadataJson`).
	 */
	#metadata: CheckpointSummary["metadata"] | string | undefined;
	#summary: CheckpointSummary | undefined;

	/** A new row; only `fields`' summary fields are read; `metadata` is the row's own plain JSON or checked JSON. */
	constructor(
		fields: SummaryFields,
		size: number,
		seq: number,
		snapshot: boolean,
		metadata: CheckpointSummary["metadata"] | string,
		data: Uint8Array,
	) {
		this.#threadId = fields.threadId;
		this.#ns = fields.ns;
		this.#checkpointId = fields.checkpointId;
		this.parentId = fields.parentId;
		this.#step = fields.step;
		this.#source = fields.source;
		this.#createdAt = fields.createdAt;
		this.#metadata = metadata;
		this.#size = size;
		this.seq = seq;
		this.snapshot = snapshot;
		this.data = data;
	}

	/**
	 * Copies its blobs that are views into a larger buffer (a slab shared with other blobs, see
	 * json-serializer.ts) into buffers of their own, so that keeping this row does not keep the others.
	 */
	ownBlobs(): void {
		this.data = ownBytes(this.data);
		if (this.writes.length > 0) this.writes = this.writes.map(ownBytes);
	}

	/** Adds pending writes. */
	addWrites(blobs: readonly Uint8Array[]): void {
		if (this.writes === NO_WRITES) this.writes = [...blobs];
		else this.writes.push(...blobs);
	}

	/** The stored summary, frozen (made on first read). */
	get summary(): CheckpointSummary {
		if (this.#summary === undefined) {
			this.#summary = frozenSummary(
				{
					threadId: this.#threadId,
					ns: this.#ns,
					checkpointId: this.#checkpointId,
					parentId: this.parentId,
					step: this.#step,
					source: this.#source,
					createdAt: this.#createdAt,
				},
				this.#size,
				this.seq,
				freezePlain(this.#metadata!),
			);
			this.#metadata = undefined;
		}
		return this.#summary;
	}

	/**
	 * The stored checkpoint, its data read by `readData`; the summary is not built for it (perf, issue 17):
	 * the same fields (the summary's setter keeps them current) and metadata (frozen, the summary's own).
	 */
	stored(
		readData: (place: BlobPlace, snapshot: boolean) => CheckpointData,
	): StoredCheckpoint {
		const m = this.#metadata;
		// metadata kept as text (or already in the summary) is the summary's; an object is frozen in place
		const metadata =
			m === undefined || typeof m === "string"
				? this.summary.metadata
				: freezePlain(m);
		const place = {
			threadId: this.#threadId,
			ns: this.#ns,
			checkpointId: this.#checkpointId,
		};
		// field by field: a spread plus a key is several times slower in Node 20
		return {
			threadId: this.#threadId,
			ns: this.#ns,
			checkpointId: this.#checkpointId,
			parentId: this.parentId,
			step: this.#step,
			source: this.#source,
			createdAt: this.#createdAt,
			metadata,
			size: this.#size,
			seq: this.seq,
			// the row's own flag, not `metadata.snapshot`: metadata objects differ in shape (a loop's, an
			// update's, a fork's), and reading through them here deoptimized a resume's reads (perf, issue 17)
			data: readData(place, this.snapshot),
		};
	}

	set summary(summary: CheckpointSummary) {
		this.#summary = summary;
		this.#metadata = undefined;
		this.#size = summary.size;
		this.parentId = summary.parentId;
		this.seq = summary.seq;
		this.snapshot = summary.metadata.snapshot;
	}

	/** Length of the metadata as JSON text (for `storedBytes`). */
	get metadataLength(): number {
		const m = this.#metadata;
		return typeof m === "string"
			? m.length
			: JSON.stringify(m ?? this.summary.metadata).length;
	}
}

export interface Namespace {
	rows: Map<string, Row>;
	/** Checkpoint ids by `seq`, oldest first (append-only: seq only grows). */
	order: string[];
	/**
	 * `headRows`' answer, kept until a change of `rows`, `order` or a row's `children` clears it (put,
	 * prune, the corrupt hook): `getState` lists the heads, and finding them is a walk over every row.
	 */
	heads?: readonly Row[] | undefined;
}

/**
 * The ids of a chain, newest first, from `id` back to the nearest snapshot or root. Bounded: a walk
 * longer than the namespace (a parent cycle) or a missing parent is CORRUPT_CHECKPOINT. `stopAt` ends
 * the walk before an id (never before the first).
 */
export function walkChain(
	threadId: string,
	nsName: string,
	ns: Namespace,
	id: string,
	stopAt?: (id: string) => boolean,
): Row[] {
	const rows: Row[] = [];
	let cur: string | null = id;
	let child = id;
	while (cur !== null) {
		if (rows.length > 0 && stopAt?.(cur) === true) break;
		const row = ns.rows.get(cur);
		if (row === undefined)
			throw corruptCheckpoint(
				{ threadId, ns: nsName, checkpointId: child },
				`its parent "${cur}" is missing (a gap in the chain)`,
			);
		if (rows.length >= ns.rows.size)
			throw corruptCheckpoint(
				{ threadId, ns: nsName, checkpointId: id },
				"its parent chain has a cycle",
			);
		rows.push(row);
		if (row.snapshot) break;
		child = cur;
		cur = row.parentId;
	}
	return rows;
}

/** Rows of a namespace without a successor, newest first (remembered: see `Namespace.heads`). */
export function headRows(ns: Namespace): readonly Row[] {
	if (ns.heads !== undefined) return ns.heads;
	const out: Row[] = [];
	for (let i = ns.order.length - 1; i >= 0; i--) {
		const row = ns.rows.get(ns.order[i]!);
		if (row !== undefined && row.children === 0) out.push(row);
	}
	ns.heads = out;
	return out;
}

/** Index in `order` of the first id whose seq is ≥ `seq` (order is sorted by seq). */
export function seqIndex(ns: Namespace, seq: number): number {
	let lo = 0;
	let hi = ns.order.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		const s = ns.rows.get(ns.order[mid]!)?.seq ?? 0;
		if (s < seq) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * A stored summary, copied once and frozen (its metadata too, as deep as JSON goes), so reads can hand out
 * cheap shallow copies instead of cloning every record (a clone per record was 40 % of a 100-step read).
 * Metadata given as checked JSON text (see `metadataJson`) is copied by parsing it, which is several
 * times cheaper than `structuredClone`; a frozen copy (see `frozenJsonCopy`) is used as it is.
 */
export function frozenSummary(
	fields: SummaryFields,
	size: number,
	seq: number,
	metadata: CheckpointSummary["metadata"] | string,
): CheckpointSummary {
	const copy: CheckpointSummary = {
		threadId: fields.threadId,
		ns: fields.ns,
		checkpointId: fields.checkpointId,
		parentId: fields.parentId,
		step: fields.step,
		source: fields.source,
		createdAt: fields.createdAt,
		metadata:
			typeof metadata !== "string" && Object.isFrozen(metadata)
				? metadata
				: JSON.parse(
						typeof metadata === "string" ? metadata : JSON.stringify(metadata),
					),
		size,
		seq,
	};
	return deepFreeze(copy);
}

function deepFreeze<T>(value: T): T {
	// a frozen object here is a frozen copy already (frozenJsonCopy, or frozen before)
	if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
		for (const v of Object.values(value)) deepFreeze(v);
		Object.freeze(value);
	}
	return value;
}

/** Bytes a thread (or every thread) keeps: blobs, pending writes and metadata text. */
export function storedBytesOf(
	threads: ReadonlyMap<string, Thread>,
	threadId: string | undefined,
): number {
	let total = 0;
	for (const [id, thread] of threads) {
		if (threadId !== undefined && id !== threadId) continue;
		for (const ns of thread.namespaces.values()) {
			for (const row of ns.rows.values()) {
				total += row.data.byteLength + row.metadataLength;
				for (const w of row.writes) total += w.byteLength;
			}
		}
	}
	return total;
}

/** Damages a stored row for the conformance suite; false when the kind does not apply here. */
export function corruptRow(
	threads: ReadonlyMap<string, Thread>,
	c: Corruption,
): boolean {
	const ns = threads.get(c.at.threadId)?.namespaces.get(c.at.ns);
	const row = ns?.rows.get(c.at.checkpointId);
	if (ns === undefined || row === undefined) return false;
	switch (c.kind) {
		case "metadata":
			// metadata is kept as an object here, not as text
			return false;
		case "parent":
			row.summary = frozenSummary(
				{ ...row.summary, parentId: c.parentId },
				row.summary.size,
				row.summary.seq,
				row.summary.metadata,
			);
			return true;
		case "delete":
			ns.rows.delete(c.at.checkpointId);
			ns.order = ns.order.filter((id) => id !== c.at.checkpointId);
			ns.heads = undefined;
			return true;
		case "blob":
			row.data = c.bytes;
			return true;
		case "write":
			if (c.index >= row.writes.length) return false;
			row.writes[c.index] = c.bytes;
			return true;
	}
}
