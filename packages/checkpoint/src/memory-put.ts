import type { PutOptions } from "./checkpointer.ts";
import { checkpointConflict, checkpointNotFound } from "./errors.ts";
import { plainJsonCopy } from "./json-copy.ts";
import { Row } from "./memory-rows.ts";
import type { Thread, Threads } from "./memory-threads.ts";
import type { CheckpointRecord } from "./record.ts";
import type { Serializer } from "./serializer.ts";
import { checkNewRecord, metadataJson, placeOf } from "./store-checks.ts";
import { leaseLost } from "./store-errors.ts";

/** Refuses a fenced write unless `fence` is the thread's current lease token. */
export function checkFence(
	threadId: string,
	thread: Thread | undefined,
	fence: number | undefined,
): void {
	if (fence === undefined) return;
	const current = thread?.lease?.token ?? null;
	if (current !== fence) throw leaseLost(threadId, fence, current);
}

/**
 * MemoryCheckpointer's `put`, done synchronously: checks the record (ids, metadata, fence, parent,
 * `exclusive`), serializes its data, and only then stores it. Throws what `put` rejects with. A record
 * handed over (see `PUT_SYNC`) was made by the run: its ids are valid and its metadata plain JSON nobody
 * else holds, so neither is checked again and the metadata is kept as it is (perf, issue 17).
 */
export function putRow(
	threads: Threads,
	serializer: Serializer,
	record: CheckpointRecord,
	options: PutOptions,
	handOver = false,
): { size: number; seq: number } {
	if (!handOver) checkNewRecord(record);
	// the row's own plain JSON (handed over, or copied), frozen when its summary is first read
	const metadata = handOver
		? record.metadata
		: (plainJsonCopy(record.metadata) ?? metadataJson(record));
	const existing = threads.get(record.threadId);
	checkFence(record.threadId, existing, options.fence);
	const ns = existing?.namespaces.get(record.ns);
	const parent =
		record.parentId === null ? undefined : ns?.rows.get(record.parentId);
	if (record.parentId !== null && parent === undefined)
		throw checkpointNotFound(record.threadId, record.ns, record.parentId);
	if (options.exclusive === true) {
		const taken =
			parent === undefined ? (ns?.order.length ?? 0) > 0 : parent.children > 0;
		if (taken) throw checkpointConflict(record);
	}
	if (ns?.rows.has(record.checkpointId) === true)
		throw checkpointConflict(record);
	const place = placeOf(record);
	const data = serializer.serialize(record.data, place);
	const carried = options.pendingWrites?.map((w) =>
		serializer.serialize(w, place),
	);
	// checked and serialized: only now does anything change
	const thread =
		existing ?? threads.create(record.threadId, record.createdAt, "running");
	let target = ns;
	if (target === undefined) {
		target = { rows: new Map(), order: [] };
		thread.namespaces.set(record.ns, target);
	}
	const seq = ++thread.seq;
	const row = new Row(
		record,
		data.byteLength,
		seq,
		record.metadata.snapshot,
		metadata,
		data,
	);
	if (carried !== undefined && carried.length > 0) {
		row.addWrites(carried);
		for (const w of options.pendingWrites!)
			if (w.kind === "interrupt") row.interrupts++;
	}
	target.rows.set(record.checkpointId, row);
	target.order.push(record.checkpointId);
	// the new row is the newest head and its parent no longer one (a fork's parent was none): kept, not
	// recomputed, so getState after each step does not walk the namespace (decision 0139)
	target.heads =
		target.heads === undefined
			? undefined
			: [row, ...target.heads.filter((h) => h !== parent)];
	if (parent !== undefined) {
		parent.children++;
		if (options.dropParentWrites === true) {
			parent.writes = [];
			parent.interrupts = 0;
		}
	}
	thread.updatedAt = record.createdAt;
	return { size: data.byteLength, seq };
}
