import type { CheckpointSummary, Lease, StoredThreadStatus } from "./record.ts";
import { corruptCheckpoint } from "./store-errors.ts";

/** One stored checkpoint of MemoryCheckpointer. */
export interface Row {
	summary: CheckpointSummary;
	data: Uint8Array;
	writes: Uint8Array[];
	/** How many of `writes` are interrupts (prune keeps a checkpoint with one). */
	interrupts: number;
	children: number;
}

export interface Namespace {
	rows: Map<string, Row>;
	/** Checkpoint ids by `seq`, oldest first (append-only: seq only grows). */
	order: string[];
}

export interface Thread {
	status: StoredThreadStatus;
	createdAt: string;
	updatedAt: string;
	namespaces: Map<string, Namespace>;
	/** The last `seq` given to a checkpoint of this thread. */
	seq: number;
	/** The last fencing token handed out (kept after a release, so tokens are never reused). */
	token: number;
	/** The current lease (also an expired one until taken over), null once released. */
	lease: { token: number; owner: string; expiresAt: number } | null;
}

export function newThread(now: string, status: StoredThreadStatus): Thread {
	return {
		status,
		createdAt: now,
		updatedAt: now,
		namespaces: new Map(),
		seq: 0,
		token: 0,
		lease: null,
	};
}

export function leaseOf(threadId: string, thread: Thread): Lease | null {
	const held = thread.lease;
	if (held === null) return null;
	return {
		threadId,
		token: held.token,
		owner: held.owner,
		expiresAt: new Date(held.expiresAt).toISOString(),
	};
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
		if (row.summary.metadata.snapshot) break;
		child = cur;
		cur = row.summary.parentId;
	}
	return rows;
}

/** Rows of a namespace without a successor, newest first. */
export function headRows(ns: Namespace): Row[] {
	const out: Row[] = [];
	for (let i = ns.order.length - 1; i >= 0; i--) {
		const row = ns.rows.get(ns.order[i]!);
		if (row !== undefined && row.children === 0) out.push(row);
	}
	return out;
}

/** Index in `order` of the first id whose seq is ≥ `seq` (order is sorted by seq). */
export function seqIndex(ns: Namespace, seq: number): number {
	let lo = 0;
	let hi = ns.order.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		const s = ns.rows.get(ns.order[mid]!)?.summary.seq ?? 0;
		if (s < seq) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * A stored summary, copied once and frozen (its metadata too, as deep as JSON goes), so reads can hand out
 * cheap shallow copies instead of cloning every record (a clone per record was 40 % of a 100-step read).
 * Plain objects, arrays and primitives are copied and frozen in one pass (a `structuredClone` and a
 * second walk to freeze were ≈ 10 % of a step with the in-memory store); anything else (a Date, a Map, a
 * BigInt…) makes the whole summary go through `structuredClone` as before, so what is stored is the same.
 */
export function frozenSummary(summary: CheckpointSummary): CheckpointSummary {
	const copy = copyPlain(summary, 0);
	return (
		copy === NOT_PLAIN ? freezeDeep(structuredClone(summary)) : copy
	) as CheckpointSummary;
}

const NOT_PLAIN = Symbol("not plain");
/** Deeper than this the plain copy gives up (structuredClone takes over). */
const MAX_PLAIN_DEPTH = 64;

function copyPlain(value: unknown, depth: number): unknown {
	if (typeof value !== "object") {
		return typeof value === "bigint" ||
			typeof value === "symbol" ||
			typeof value === "function"
			? NOT_PLAIN
			: value;
	}
	if (value === null) return null;
	if (depth > MAX_PLAIN_DEPTH) return NOT_PLAIN;
	if (Array.isArray(value)) {
		const out = new Array<unknown>(value.length);
		for (let i = 0; i < value.length; i++) {
			const v = copyPlain(value[i], depth + 1);
			if (v === NOT_PLAIN) return NOT_PLAIN;
			out[i] = v;
		}
		return Object.freeze(out);
	}
	if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_PLAIN;
	const out: Record<string, unknown> = {};
	for (const key in value) {
		if (!Object.hasOwn(value, key)) continue;
		// assigning "__proto__" would set the prototype: leave such a key to structuredClone
		if (key === "__proto__") return NOT_PLAIN;
		const v = copyPlain((value as Record<string, unknown>)[key], depth + 1);
		if (v === NOT_PLAIN) return NOT_PLAIN;
		out[key] = v;
	}
	return Object.freeze(out);
}

function freezeDeep<T>(value: T): T {
	if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
		for (const v of Object.values(value)) freezeDeep(v);
		Object.freeze(value);
	}
	return value;
}
