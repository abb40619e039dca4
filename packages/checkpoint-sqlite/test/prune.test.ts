import { statSync } from "node:fs";
import { MemoryCheckpointer } from "@weft/checkpoint";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { collect, openStore, putChain, record, tempDb } from "./helpers.ts";

describe("prune", () => {
	it("without rebuild, keeps a chain whose oldest member another chain kept (as MemoryCheckpointer does)", async () => {
		// a* <- b <- d,  a* <- c <- e; keep the newest two (d, e): d's chain keeps a and b, e's must keep c too.
		const records = [
			record("a", null),
			record("b", "a"),
			record("c", "a"),
			record("d", "b"),
			record("e", "c"),
		];
		const sqlite = openStore();
		const memory = new MemoryCheckpointer();
		for (const r of records) {
			await sqlite.put(r);
			await memory.put(r);
		}
		expect(await sqlite.prune("t1", { keepLast: 2 })).toBe(0);
		const chain = await sqlite.getChain({ threadId: "t1", checkpointId: "e" });
		expect(chain.map((c) => c.checkpointId)).toEqual(["a", "c", "e"]);
		expect(await memory.prune("t1", { keepLast: 2 })).toBe(0);
		const memoryChain = await memory.getChain({
			threadId: "t1",
			checkpointId: "e",
		});
		expect(memoryChain.map((c) => c.checkpointId)).toEqual(["a", "c", "e"]);
	});

	it("removes the pending writes of removed checkpoints, in every namespace, and nothing of other threads", async () => {
		const path = tempDb();
		const cp = openStore(path);
		const ids = await putChain(cp, 6);
		const sub = await putChain(cp, 4, { ns: "sub", prefix: "s" });
		const other = await putChain(cp, 3, { threadId: "t2" });
		for (const [threadId, ns, id] of [
			["t1", "", ids[0]!],
			["t1", "", ids[5]!],
			["t1", "sub", sub[0]!],
			["t2", "", other[0]!],
		] as const)
			await cp.putWrites({ threadId, ns, checkpointId: id }, [
				{ kind: "once-start", taskId: "x", key: id },
			]);
		const rebuild = (chain: Array<{ checkpointId: string }>) => ({
			from: chain.map((c) => c.checkpointId),
		});
		expect(await cp.prune("t1", { keepLast: 2, rebuild })).toBe(4 + 2);
		const db = new Database(path, { readonly: true });
		const writes = db
			.prepare(
				"SELECT thread_id, ns, checkpoint_id FROM writes ORDER BY thread_id, ns",
			)
			.raw()
			.all();
		db.close();
		expect(writes).toEqual([
			["t1", "", ids[5]],
			["t2", "", other[0]],
		]);
		const oldest = await cp.getChain({ threadId: "t1", checkpointId: ids[4]! });
		expect(oldest.map((c) => c.checkpointId)).toEqual([ids[4]]);
		expect(oldest[0]?.data.snapshot).toEqual({ from: ids.slice(0, 5) });
		expect(oldest[0]?.metadata.snapshot).toBe(true);
		expect(
			(
				await collect(
					cp.list({ threadId: "t1" }, { filter: { snapshot: true } }),
				)
			).map((s) => s.checkpointId),
		).toEqual([ids[4]]);
		expect(await cp.listThreads()).toMatchObject([
			{ threadId: "t2", checkpoints: 3 },
			{ threadId: "t1", checkpoints: 2, checkpointId: ids[5] },
		]);
	});

	it("changes nothing when rebuild throws", async () => {
		const cp = openStore();
		const ids = await putChain(cp, 5);
		const before = await collect(cp.list({ threadId: "t1" }));
		await expect(
			cp.prune("t1", {
				keepLast: 1,
				rebuild: () => {
					throw new Error("reducer failed");
				},
			}),
		).rejects.toThrow("reducer failed");
		expect(await collect(cp.list({ threadId: "t1" }))).toEqual(before);
		expect(
			(await cp.getChain({ threadId: "t1", checkpointId: ids[4]! })).length,
		).toBe(5);
	});

	it("returns 0 for an unknown thread", async () => {
		expect(await openStore().prune("nope", { keepLast: 1 })).toBe(0);
	});
});

describe("space", () => {
	it("is returned to the file system after prune and deleteThread (incremental vacuum)", async () => {
		const path = tempDb();
		const cp = openStore(path);
		const big = "y".repeat(200_000);
		let parent: string | null = null;
		for (let i = 0; i < 20; i++) {
			const id = `b${String(i).padStart(3, "0")}`;
			await cp.put(record(id, parent, { value: big, threadId: "big" }));
			parent = id;
		}
		await putChain(cp, 3, { threadId: "small" });
		const size = () => {
			const db = new Database(path);
			db.pragma("wal_checkpoint(TRUNCATE)");
			db.close();
			return statSync(path).size;
		};
		const full = size();
		expect(full).toBeGreaterThan(20 * 200_000);
		expect(await cp.prune("big", { keepLast: 2, rebuild: () => ({}) })).toBe(
			18,
		);
		const pruned = size();
		expect(pruned).toBeLessThan(full / 4);
		await cp.deleteThread("big");
		expect(size()).toBeLessThan(200_000);
		expect((await cp.listThreads()).map((t) => t.threadId)).toEqual(["small"]);
	});
});
