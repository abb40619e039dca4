import type { MemorySaver } from "@langchain/langgraph";

const len = (x: unknown) =>
	x == null
		? 0
		: typeof x === "string"
			? Buffer.byteLength(x)
			: (x as Uint8Array).byteLength;

interface SaverInternals {
	storage: Record<
		string,
		Record<string, Record<string, [unknown, unknown, unknown]>>
	>;
	writes: Record<string, Record<string, [string, string, unknown]>>;
}

/**
 * Bytes a MemorySaver holds for one thread (it keeps serialized bytes): checkpoint records with their
 * metadata, pending writes, and the size of each checkpoint in chronological order.
 */
export function saverBytes(saver: MemorySaver, threadId: string) {
	const { storage, writes } = saver as unknown as SaverInternals;
	let checkpoints = 0;
	const sizes: number[] = [];
	for (const byId of Object.values(storage[threadId] ?? {})) {
		for (const id of Object.keys(byId).sort()) {
			const [checkpoint, metadata] = byId[id]!;
			const n = len(checkpoint) + len(metadata);
			sizes.push(n);
			checkpoints += n;
		}
	}
	let pending = 0;
	for (const [key, byTask] of Object.entries(writes)) {
		if ((JSON.parse(key) as string[])[0] !== threadId) continue;
		for (const w of Object.values(byTask)) pending += len(w[2]);
	}
	return { total: checkpoints + pending, checkpoints, pending, sizes };
}
