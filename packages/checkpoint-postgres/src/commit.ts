import type {
	BlobPlace,
	CheckpointRecord,
	PutOptions,
	Serializer,
} from "@weft/checkpoint";
import {
	CheckpointError,
	checkpointConflict,
	checkpointNotFound,
	isWeftError,
} from "@weft/checkpoint";
import { checkFence } from "./leases.ts";
import type { Statements } from "./statements.ts";
import type { Query } from "./transactions.ts";

/**
 * A checkpoint ready to store: ids checked, metadata as JSON text, data serialized at its place, and the
 * pending writes it carries (`PutOptions.pendingWrites`) serialized there too.
 */
export interface Prepared {
	record: CheckpointRecord;
	place: BlobPlace;
	metadata: string;
	data: Buffer;
	carried: { blobs: Buffer[]; kinds: string[] };
}

/** The refusals `put_checkpoint` raises (schema migration 3). */
const FENCE = "WF001";
const NO_PARENT = "WF002";
const CONFLICT = "WF003";

/**
 * The work of `put`: one call of `put_checkpoint`, which locks the thread row (its commits queue there and
 * `seq` is max + 1 under the lock), checks the fence, the parent and `exclusive` under that lock and
 * inserts, in one statement and one round trip; a refusal rolls it all back and comes out typed. On a run
 * after a lost connection (`retried`), a row the first run committed is recognised and its `seq` returned.
 */
export async function commitCheckpoint(
	q: Query,
	st: Statements,
	{ record, place, metadata, data, carried }: Prepared,
	options: PutOptions,
	retried: boolean,
): Promise<number> {
	const { threadId, ns, checkpointId } = place;
	const { parentId } = record;
	if (retried) {
		// the carried writes were committed with the row, in its transaction
		const own = (await q(st.own, [threadId, ns, checkpointId])).rows[0];
		if (own?.parent_id === parentId && own?.size === data.byteLength)
			return Number(own.seq);
	}
	try {
		const { rows } = await q(st.putCheckpoint, [
			threadId,
			ns,
			checkpointId,
			parentId,
			record.step,
			record.source,
			record.createdAt,
			metadata,
			data.byteLength,
			record.metadata.snapshot === true,
			data,
			options.fence ?? null,
			options.exclusive === true,
			parentId !== null && options.dropParentWrites === true,
		]);
		if (carried.blobs.length > 0)
			await q(st.appendWrites, [
				threadId,
				ns,
				checkpointId,
				carried.blobs,
				carried.kinds,
			]);
		return Number(rows[0].seq);
	} catch (error) {
		const code = (error as { code?: unknown }).code;
		if (code === FENCE) {
			const held = JSON.parse(String((error as { detail?: unknown }).detail));
			checkFence(
				threadId,
				{
					lease_token: String(held.token),
					lease_owner: held.owner,
					lease_expires: null,
				},
				options.fence,
			);
		}
		if (code === NO_PARENT) throw checkpointNotFound(threadId, ns, parentId!);
		// the same id twice: MemoryCheckpointer reports it as a conflict too
		if (code === CONFLICT) throw checkpointConflict(record);
		throw error;
	}
}

/**
 * The work of `putWrites`, in its transaction: under the thread row's lock, checks the fence and the
 * checkpoint, then appends. On a run after a lost connection, writes the first run committed (the
 * checkpoint's newest writes are exactly these blobs) are not appended again.
 */
export async function appendWrites(
	q: Query,
	st: Statements,
	place: BlobPlace,
	writes: { blobs: Buffer[]; kinds: string[] },
	fence: number | undefined,
	retried: boolean,
): Promise<void> {
	const { threadId, ns, checkpointId } = place;
	const { blobs, kinds } = writes;
	if (retried && (await hasTail(q, st, place, blobs))) return;
	const thread = (await q(st.lockThread, [threadId])).rows[0];
	checkFence(threadId, thread, fence);
	if ((await q(st.exists, [threadId, ns, checkpointId])).rowCount === 0)
		throw checkpointNotFound(threadId, ns, checkpointId);
	if (blobs.length > 0)
		await q(st.appendWrites, [threadId, ns, checkpointId, blobs, kinds]);
}

async function hasTail(
	q: Query,
	st: Statements,
	place: BlobPlace,
	blobs: Buffer[],
): Promise<boolean> {
	if (blobs.length === 0) return false;
	const { threadId, ns, checkpointId } = place;
	const { rows } = await q(st.lastWrites, [
		threadId,
		ns,
		checkpointId,
		blobs.length,
	]);
	const tail = rows.map((r) => r.data as Buffer).reverse();
	return (
		tail.length === blobs.length && tail.every((b, i) => b.equals(blobs[i]!))
	);
}

/** Serializes at `place`; a serializer's untyped error becomes SERIALIZATION_FAILED naming the place. */
export function encode(
	serializer: Serializer,
	value: unknown,
	place: BlobPlace,
): Buffer {
	try {
		return Buffer.from(serializer.serialize(value, place));
	} catch (error) {
		if (isWeftError(error)) throw error;
		throw new CheckpointError(
			"SERIALIZATION_FAILED",
			`data for checkpoint "${place.checkpointId}" of thread "${place.threadId}" cannot be serialized: ${(error as Error).message}`,
			{
				hint: "store plain data, or register the class with registerSerializableType()",
				cause: error,
			},
		);
	}
}
