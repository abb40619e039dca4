import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { collect, openStore, putChain, tempDb } from "./helpers.ts";

const size = (path: string) => (existsSync(path) ? statSync(path).size : 0);

async function until(check: () => boolean): Promise<void> {
	for (let i = 0; i < 200 && !check(); i++)
		await new Promise((r) => setTimeout(r, 25));
}

describe("WAL checkpoints in a worker thread (decision 0187)", () => {
	it("copy the WAL into the file after 512 writes, before the connection's own threshold", async () => {
		const path = tempDb();
		const cp = openStore(path);
		// 520 puts write ≈ 2,000 WAL pages: the connection alone (every 4000) would not checkpoint yet
		const ids = await putChain(cp, 520);
		const before = size(path);
		await until(() => size(path) > before + 100 * 1024);
		expect(size(path)).toBeGreaterThan(before + 100 * 1024);
		// everything committed reads back, through the file and the WAL alike
		expect((await collect(cp.list({ threadId: "t1" }))).length).toBe(520);
		expect(
			(await cp.getTuple({ threadId: "t1" }))?.checkpoint.checkpointId,
		).toBe(ids.at(-1));
		await cp.close();
		// the last connection to close checkpoints the rest and removes the WAL, as without the thread
		expect(existsSync(`${path}-wal`)).toBe(false);
		const db = new Database(path, { readonly: true });
		expect(
			(
				db.prepare("SELECT count(*) AS n FROM checkpoints").get() as {
					n: number;
				}
			).n,
		).toBe(520);
		db.close();
	});

	for (const close of [false, true])
		it(`a process ${close ? "awaiting close() as its last work" : "that never closes its checkpointer"} exits 0, its commits kept`, async () => {
			const path = tempDb();
			const script = `
			const { SqliteCheckpointer } = await import("@weft/checkpoint-sqlite");
			const cp = new SqliteCheckpointer({ path: ${JSON.stringify(path)} });
			let parent = null;
			for (let i = 0; i < 1100; i++) {
				const id = "c" + String(i).padStart(5, "0");
				await cp.put({ threadId: "t1", ns: "", checkpointId: id, parentId: parent, step: i,
					source: "loop", createdAt: new Date(1.7e12 + i).toISOString(),
					metadata: { snapshot: parent === null },
					data: { writes: [], tasks: [], ...(parent === null ? { snapshot: {} } : {}) } });
				parent = id;
			}
			// the thread copies the WAL into the file (the connection alone would not before 4000 pages)
			const { statSync } = await import("node:fs");
			for (let i = 0; i < 200 && statSync(${JSON.stringify(path)}).size < 100 * 1024; i++)
				await new Promise((r) => setTimeout(r, 25));
			if (statSync(${JSON.stringify(path)}).size < 100 * 1024) console.log("not copied");
			${close ? "await cp.close();" : ""}
			console.log("done");`;
			const run = spawnSync(
				process.execPath,
				["--input-type=module", "-e", script],
				{
					cwd: join(import.meta.dirname, ".."),
					encoding: "utf8",
					timeout: 60_000,
				},
			);
			expect(run.stderr).toBe("");
			expect(run.stdout.trim()).toBe("done");
			expect(run.status).toBe(0);
			if (close) expect(existsSync(`${path}-wal`)).toBe(false);
			const cp = openStore(path);
			expect(
				(await cp.getTuple({ threadId: "t1" }))?.checkpoint.checkpointId,
			).toBe("c01099");
		});

	it("two processes writing one file, each with its thread, one killed mid-stream: the file is whole and every commit reads back", async () => {
		const path = tempDb();
		const writer = (thread: string, n: number) => `
			const { SqliteCheckpointer } = await import("@weft/checkpoint-sqlite");
			const cp = new SqliteCheckpointer({ path: ${JSON.stringify(path)} });
			let parent = null;
			for (let i = 0; i < ${n}; i++) {
				const id = "c" + String(i).padStart(5, "0");
				await cp.put({ threadId: "${thread}", ns: "", checkpointId: id, parentId: parent, step: i,
					source: "loop", createdAt: new Date(1.7e12 + i).toISOString(),
					metadata: { snapshot: parent === null },
					data: { writes: [["n", "x", i]], tasks: [], ...(parent === null ? { snapshot: {} } : {}) } });
				parent = id;
				if (i % 100 === 99) console.log("put " + (i + 1));
			}
			await cp.close();
			console.log("done");`;
		const start = (thread: string, n: number) => {
			const child = spawn(
				process.execPath,
				["--input-type=module", "-e", writer(thread, n)],
				{
					cwd: join(import.meta.dirname, ".."),
					stdio: ["ignore", "pipe", "pipe"],
				},
			);
			let out = "";
			child.stdout.on("data", (d: Buffer) => {
				out += d;
			});
			child.stderr.on("data", (d: Buffer) => {
				out += d;
			});
			const closed = new Promise<number | null>((r) => child.on("close", r));
			return { child, output: () => out, closed };
		};
		const survivor = start("kept", 2000);
		const killed = start("killed", 100_000);
		// both past 512 writes (both checkpoint threads started), then one is killed mid-stream
		while (
			!killed.output().includes("put 1000") ||
			!survivor.output().includes("put 600")
		)
			await new Promise((r) => setTimeout(r, 20));
		killed.child.kill("SIGKILL");
		await killed.closed;
		expect(await survivor.closed, survivor.output()).toBe(0);
		expect(survivor.output()).toContain("done");
		const db = new Database(path);
		expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
		db.close();
		const cp = openStore(path);
		expect((await collect(cp.list({ threadId: "kept" }))).length).toBe(2000);
		// the killed writer's thread: a whole chain up to its last commit
		const last = await cp.getTuple({ threadId: "killed" });
		const n = Number(last!.checkpoint.checkpointId.slice(1)) + 1;
		expect(n).toBeGreaterThanOrEqual(1000);
		expect((await collect(cp.list({ threadId: "killed" }))).length).toBe(n);
		const chain = await cp.getChain({
			threadId: "killed",
			checkpointId: last!.checkpoint.checkpointId,
		});
		expect(chain.at(-1)?.checkpointId).toBe(last!.checkpoint.checkpointId);
	}, 120_000);
});
