// A process that may not write a WAL file its writer closed reads a copy of it in memory (decision 0198),
// holding no SQLite lock while it reads. Outside check (6 Dec): a writer that opened the file during that
// read, committed and closed left the reader a torn copy, half before the commit and half after
// (`listThreads` gave 10,017 of 20,000 checkpoints under a thread the commit had renamed).
import { execFile } from "node:child_process";
import {
	chmodSync,
	existsSync,
	mkdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openStore, record, tempDir } from "./helpers.ts";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Lists the file's threads read-only (the package's build). It stops until the test has changed the
 * files: in mode "read", halfway through its first long read of the file (a slow read of a big file, made
 * certain); in mode "wal", right after it first found the file's -wal.
 */
const READER = `
import fs from "node:fs";
const [path, signals, mode] = process.argv.slice(1);
const nap = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
let paused = false;
function pause() {
	paused = true;
	fs.writeFileSync(signals + "/go", "");
	while (!fs.existsSync(signals + "/done")) nap(5);
}
const fds = new Set();
const { openSync, readSync, readFileSync, statSync } = fs;
fs.statSync = function (p, ...rest) {
	const stat = statSync.call(this, p, ...rest);
	if (mode === "wal" && !paused && p === path + "-wal") pause();
	return stat;
};
fs.openSync = function (p, ...rest) {
	const fd = openSync.call(this, p, ...rest);
	if (p === path) fds.add(fd);
	return fd;
};
fs.readSync = function (fd, buffer, offset, length, position) {
	if (mode !== "read" || paused || !fds.has(fd) || length < 4096) return readSync.call(this, fd, buffer, offset, length, position);
	const n = readSync.call(this, fd, buffer, offset, Math.floor(length / 2), position);
	pause();
	return n;
};
fs.readFileSync = function (p, ...rest) {
	if (mode !== "read" || paused || p !== path) return readFileSync.call(this, p, ...rest);
	const size = fs.statSync(p).size;
	const bytes = Buffer.alloc(size);
	const fd = openSync(p, "r");
	const half = Math.floor(size / 2);
	readSync(fd, bytes, 0, half, 0);
	pause();
	readSync(fd, bytes, half, size - half, half);
	fs.closeSync(fd);
	return bytes;
};
const { SqliteCheckpointer } = await import("@weft/checkpoint-sqlite");
try {
	const reader = new SqliteCheckpointer({ path, readOnly: true });
	const threads = (await reader.listThreads()).map((t) => [t.threadId, t.checkpoints]);
	// the rows themselves, by thread: spread over the whole file, where a thread's count comes from one row
	const rows = {};
	for (const threadId of ["t1", "t2"]) {
		rows[threadId] = 0;
		for await (const _ of reader.list({ threadId })) rows[threadId]++;
	}
	await reader.close();
	console.log(JSON.stringify({ threads, rows }));
} catch (error) {
	console.log(JSON.stringify({ error: error.code ?? String(error) }));
}
`;

// root may write any file: the reader runs as "nobody" then, to be a process that may not write it
const asRoot = process.getuid?.() === 0;

/** A folder the reader may use, and the way to start it there and learn when it has stopped. */
function readerIn(dir: string) {
	chmodSync(dir, 0o777);
	const signals = join(dir, "signals");
	mkdirSync(signals, { mode: 0o777 });
	chmodSync(signals, 0o777);
	return {
		/** Starts the reader on `path`; resolves once it has stopped (false: it ended without stopping). */
		start(path: string, mode: "read" | "wal") {
			let exited = false;
			const output = new Promise<string>((resolve, reject) =>
				execFile(
					process.execPath,
					["--input-type=module", "-e", READER, path, signals, mode],
					{ cwd: packageDir, ...(asRoot ? { uid: 65534 } : {}) },
					(error, stdout, stderr) => {
						exited = true;
						if (error) reject(new Error(`${error.message}\n${stderr}`));
						else resolve(stdout);
					},
				),
			);
			const stopped = (async () => {
				while (!existsSync(join(signals, "go")) && !exited)
					await new Promise((r) => setTimeout(r, 10));
				return !exited;
			})();
			return {
				stopped,
				/** Lets it go on; its one JSON line. */
				async finish() {
					writeFileSync(join(signals, "done"), "");
					return JSON.parse((await output).trim().split("\n").pop()!);
				},
			};
		},
	};
}

describe("a read-only copy of a file its writer closed", () => {
	it.each([
		["closes", true],
		["stays open", false],
	])(
		"is never torn by a writer that opens the file while it is read, commits and %s",
		async (_, closes) => {
			const dir = tempDir();
			const reader = readerIn(dir);
			const path = join(dir, "weft.db");
			const writer = openStore(path);
			const n = 400;
			const pad = "x".repeat(2000);
			let parent: string | null = null;
			for (let i = 0; i < n; i++) {
				const id = `c${String(i).padStart(4, "0")}`;
				await writer.put(record(id, parent, { value: `${id}${pad}` }));
				parent = id;
			}
			await writer.close();
			// a file the reader may not write (in a folder it may): read through the copy in memory
			chmodSync(path, asRoot ? 0o644 : 0o444);
			const child = reader.start(path, "read");
			expect(
				await child.stopped,
				"the reader read the file without stopping",
			).toBe(true);

			// the file's owner renames the thread in one commit, then closes (its WAL checkpointed into the file)
			if (!asRoot) chmodSync(path, 0o644);
			const db = new Database(path);
			db.exec(
				"BEGIN; UPDATE checkpoints SET thread_id = 't2'; UPDATE threads SET thread_id = 't2'; COMMIT",
			);
			if (closes) db.close();
			if (!asRoot) chmodSync(path, 0o444);
			const out = await child.finish();
			if (!closes) db.close();
			// the file as it was after the commit (read again, through SQLite while the writer is open): never a mix
			expect(out).toEqual({ threads: [["t2", n]], rows: { t1: 0, t2: n } });
		},
	);

	// Review (6 Dec): a writer closing deletes its -shm, then its -wal, whose commits it has just copied
	// into the file; a reader that looked in between refused the file ("its -wal holds commits").
	it.each([
		["is deleted while the reader looks (a writer's close finishing)", true],
		["stays (left by a writer that did not close)", false],
	])(
		"a -wal without a -shm that %s: read whole, or refused STORE_UNAVAILABLE",
		async (_, deleted) => {
			const dir = tempDir();
			const reader = readerIn(dir);
			const path = join(dir, "weft.db");
			const writer = openStore(path);
			for (const [i, id] of ["c0", "c1", "c2"].entries())
				await writer.put(record(id, i === 0 ? null : `c${i - 1}`));
			// its -wal as the writer leaves it in that instant: frames that are in the file too, no -shm
			const frames = readFileSync(`${path}-wal`);
			expect(frames.length).toBeGreaterThan(0);
			await writer.close();
			writeFileSync(`${path}-wal`, frames);
			chmodSync(path, asRoot ? 0o644 : 0o444);
			const child = reader.start(path, "wal");
			expect(await child.stopped, "the reader never looked at the -wal").toBe(
				true,
			);
			if (deleted) rmSync(`${path}-wal`);
			const out = await child.finish();
			expect(out).toEqual(
				deleted
					? { threads: [["t1", 3]], rows: { t1: 3, t2: 0 } }
					: { error: "STORE_UNAVAILABLE" },
			);
		},
	);
});
