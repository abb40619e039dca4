import type {
	Checkpointer,
	CheckpointSummary,
	PruneOptions,
	StoredCheckpoint,
} from "@weft/checkpoint";
import { keptIds, MemoryCheckpointer } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";
import { collect, openStore, record } from "./helpers.ts";

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const THREADS = ["t1", "t2"];
const NAMESPACES = ["", "sub"];

/** Builds the same random forest of checkpoints (branches, snapshots, pending writes) in both stores. */
async function populate(stores: Checkpointer[], seed: number) {
	const rand = random(seed);
	const pick = <T>(items: T[]): T => items[Math.floor(rand() * items.length)]!;
	const ids = new Map<string, string[]>();
	const outcomes: string[][] = stores.map(() => []);
	for (let i = 0; i < 160; i++) {
		const threadId = pick(THREADS);
		const ns = pick(NAMESPACES);
		const key = `${threadId}/${ns}`;
		const existing = ids.get(key) ?? [];
		const parentId =
			existing.length === 0 || rand() < 0.05
				? null
				: rand() < 0.7
					? existing[existing.length - 1]!
					: pick(existing);
		const id = `c${String(i).padStart(4, "0")}`;
		const rec = record(id, parentId, {
			threadId,
			ns,
			step: i,
			snapshot: parentId === null || rand() < 0.15,
			metadata: { user: pick(["ann", "bob"]), n: Math.floor(rand() * 3) },
			value: { i, tags: new Set([pick(["a", "b"])]) },
		});
		const exclusive = rand() < 0.3;
		for (const [s, store] of stores.entries()) {
			try {
				await store.put(rec, { exclusive });
				outcomes[s]!.push("ok");
			} catch (error) {
				outcomes[s]!.push((error as { code: string }).code);
			}
		}
		if (outcomes[0]![i] === "ok") ids.set(key, [...existing, id]);
		if (rand() < 0.3 && outcomes[0]![i] === "ok") {
			for (const store of stores)
				await store.putWrites({ threadId, ns, checkpointId: id }, [
					{ kind: "once", taskId: "b", key: `k${i}`, value: i },
				]);
		}
	}
	for (const other of outcomes.slice(1)) expect(other).toEqual(outcomes[0]);
	return ids;
}

/** Everything a store can tell about its contents (thread times aside, which come from the clock). */
async function dump(store: Checkpointer, ids: Map<string, string[]>) {
	const out: Record<string, unknown> = {};
	out.threads = (await store.listThreads()).map(
		({ updatedAt: _u, createdAt: _c, ...rest }) => rest,
	);
	for (const threadId of THREADS) {
		for (const ns of NAMESPACES) {
			const key = `${threadId}/${ns}`;
			const listed = await collect(store.list({ threadId, ns }));
			out[`${key} list`] = listed;
			out[`${key} latest`] = await store.getTuple({ threadId, ns });
			out[`${key} heads`] = await store.heads({ threadId, ns });
			out[`${key} filtered`] = await collect(
				store.list(
					{ threadId, ns },
					{ filter: { user: "ann", n: 1 }, limit: 5 },
				),
			);
			for (const checkpointId of liveIds(listed, ids.get(key) ?? [])) {
				const ref = { threadId, ns, checkpointId };
				out[`${key} ${checkpointId} tuple`] = await store.getTuple(ref);
				out[`${key} ${checkpointId} chain`] = await settle(store.getChain(ref));
				out[`${key} ${checkpointId} stopped`] = await settle(
					store.getChain(ref, { stopAt: (id) => id.endsWith("3") }),
				);
				out[`${key} ${checkpointId} before`] = await collect(
					store.list({ threadId, ns }, { before: checkpointId, limit: 4 }),
				);
			}
		}
	}
	return out;
}

/** A result, or the code of the error (a broken chain must break the same way in both stores). */
async function settle<T>(result: Promise<T>): Promise<T | string> {
	try {
		return await result;
	} catch (error) {
		return `error ${(error as { code: string }).code}: ${(error as Error).message}`;
	}
}

function liveIds(listed: CheckpointSummary[], ids: string[]): string[] {
	const live = new Set(listed.map((s) => s.checkpointId));
	return ids.filter((id) => live.has(id));
}

const rebuild = (chain: StoredCheckpoint[]) => ({
	rebuiltFrom: chain.map((c) => c.checkpointId),
});

/** What a prune without rebuild must keep: the selection, plus every chain a kept checkpoint needs. */
function closure(listed: CheckpointSummary[], options: PruneOptions): string[] {
	const byId = new Map(listed.map((s) => [s.checkpointId, s]));
	const order = listed.map((s) => s.checkpointId).reverse();
	// heads are always kept (no pending interrupts are written here)
	const parents = new Set(listed.map((s) => s.parentId));
	const heads = order.filter((id) => !parents.has(id));
	const keep = keptIds(order, (id) => byId.get(id)!.createdAt, options, heads);
	for (const id of [...keep]) {
		let cur: CheckpointSummary | undefined = byId.get(id);
		while (cur !== undefined) {
			keep.add(cur.checkpointId);
			if (cur.metadata.snapshot || cur.parentId === null) break;
			cur = byId.get(cur.parentId);
		}
	}
	return order.filter((id) => keep.has(id)).reverse();
}

describe("same answers as MemoryCheckpointer", () => {
	for (const seed of [1, 2, 3, 4]) {
		it(`on a random forest of checkpoints (seed ${seed}), before and after prunes with rebuild`, async () => {
			const memory = new MemoryCheckpointer();
			const sqlite = openStore();
			const ids = await populate([memory, sqlite], seed);
			expect(await dump(sqlite, ids)).toEqual(await dump(memory, ids));

			const since = new Date(
				Date.parse(record("probe", null).createdAt) - 60_000,
			);
			const prunes: Array<[string, PruneOptions]> = [
				["t2", { keepLast: 8, rebuild }],
				["t1", { keepSince: since, keepLast: 3, rebuild }],
				["t2", { keepLast: 1, rebuild }],
			];
			for (const [threadId, options] of prunes) {
				const removed = await sqlite.prune(threadId, options);
				expect(removed).toBe(await memory.prune(threadId, options));
				const after = await dump(sqlite, ids);
				expect(after).toEqual(await dump(memory, ids));
				expect(
					Object.values(after).filter((v) => typeof v === "string"),
				).toEqual([]);
			}
			await sqlite.deleteThread("t1");
			await memory.deleteThread("t1");
			expect(await dump(sqlite, ids)).toEqual(await dump(memory, ids));
		});
	}
});

describe("prune without rebuild", () => {
	for (const seed of [1, 2, 3, 4]) {
		it(`keeps the whole chain of every kept checkpoint (seed ${seed})`, async () => {
			const sqlite = openStore();
			const ids = await populate([sqlite], seed);
			const options = { keepLast: 10 };
			const before = new Map<string, CheckpointSummary[]>();
			for (const threadId of THREADS)
				for (const ns of NAMESPACES)
					before.set(
						`${threadId}/${ns}`,
						await collect(sqlite.list({ threadId, ns })),
					);
			const removed = await sqlite.prune("t1", options);
			let expectedRemoved = 0;
			for (const ns of NAMESPACES) {
				const listed = before.get(`t1/${ns}`)!;
				const kept = closure(listed, options);
				expectedRemoved += listed.length - kept.length;
				const after = await collect(sqlite.list({ threadId: "t1", ns }));
				expect(after.map((s) => s.checkpointId)).toEqual(kept);
			}
			expect(removed).toBe(expectedRemoved);
			expect(removed).toBeGreaterThan(0);
			const after = await dump(sqlite, ids);
			expect(Object.values(after).filter((v) => typeof v === "string")).toEqual(
				[],
			);
			expect(await collect(sqlite.list({ threadId: "t2" }))).toEqual(
				before.get("t2/"),
			);
		});
	}
});
