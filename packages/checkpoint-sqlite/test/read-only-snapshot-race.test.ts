// A process that may not write a WAL file its writer closed reads a copy of it in memory (decision 0198),
// holding no SQLite lock while it reads. Outside check (6 Dec): a writer that opened the file during that
// read, committed and closed left the reader a torn copy, half before the commit and half after
// (`listThreads` gave 10,017 of 20,000 checkpoints under a thread the commit had renamed).
import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openStore, record, tempDir } from "./helpers.ts";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Lists the file's threads read-only (the package's build). Its first long read of the file stops
 * halfway until the test has written the file: a slow read of a big file, made certain.
 */
const READER = `
import fs from "node:fs";
const [path, signals] = process.argv.slice(1);
const nap = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
let paused = false;
function pause() {
	paused = true;
	fs.writeFileSync(signals + "/go", "");
	while (!fs.existsSync(signals + "/done")) nap(5);
}
const fds = new Set();
const { openSync, readSync, readFileSync } = fs;
fs.openSync = function (p, ...rest) {
	const fd = openSync.call(this, p, ...rest);
	if (p === path) fds.add(fd);
	return fd;
};
fs.readSync = function (fd, buffer, offset, length, position) {
	if (paused || !fds.has(fd) || length < 4096) return readSync.call(this, fd, buffer, offset, length, position);
	const n = readSync.call(this, fd, buffer, offset, Math.floor(length / 2), position);
	pause();
	return n;
};
fs.readFileSync = function (p, ...rest) {
	if (paused || p !== path) return readFileSync.call(this, p, ...rest);
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

describe("a read-only copy of a file its writer closed", () => {
	it.each([
		["closes", true],
		["stays open", false],
	])(
		"is never torn by a writer that opens the file while it is read, commits and %s",
		async (_, closes) => {
			const dir = tempDir();
			chmodSync(dir, 0o777);
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
			const signals = join(dir, "signals");
			mkdirSync(signals, { mode: 0o777 });
			chmodSync(signals, 0o777);

			const child = new Promise<string>((resolve, reject) =>
				execFile(
					process.execPath,
					["--input-type=module", "-e", READER, path, signals],
					{ cwd: packageDir, ...(asRoot ? { uid: 65534 } : {}) },
					(error, stdout, stderr) =>
						error
							? reject(new Error(`${error.message}\n${stderr}`))
							: resolve(stdout),
				),
			);
			let exited = false;
			void child.then(
				() => {
					exited = true;
				},
				() => {
					exited = true;
				},
			);
			while (!existsSync(join(signals, "go")) && !exited)
				await new Promise((r) => setTimeout(r, 10));
			expect(exited, "the reader read the file without stopping").toBe(false);

			// the file's owner renames the thread in one commit, then closes (its WAL checkpointed into the file)
			if (!asRoot) chmodSync(path, 0o644);
			const db = new Database(path);
			db.exec(
				"BEGIN; UPDATE checkpoints SET thread_id = 't2'; UPDATE threads SET thread_id = 't2'; COMMIT",
			);
			if (closes) db.close();
			if (!asRoot) chmodSync(path, 0o444);
			writeFileSync(join(signals, "done"), "");

			const out = JSON.parse((await child).trim().split("\n").pop()!);
			if (!closes) db.close();
			// the file as it was after the commit (read again, through SQLite while the writer is open): never a mix
			expect(out).toEqual({ threads: [["t2", n]], rows: { t1: 0, t2: n } });
		},
	);
});
