import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type {
	CheckpointMetadata,
	CheckpointRecord,
	CheckpointSummary,
} from "@weft/checkpoint";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterEach, expect } from "vitest";

const dirs: string[] = [];
const open: SqliteCheckpointer[] = [];

afterEach(async () => {
	for (const cp of open.splice(0)) await cp.close();
	for (const dir of dirs.splice(0))
		rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory, removed after the test. */
export function tempDir(): string {
	const dir = mkdtempSync(join(tmpdir(), "weft-sqlite-"));
	dirs.push(dir);
	return dir;
}

/** A database file path in a fresh directory. */
export function tempDb(): string {
	return join(tempDir(), "weft.db");
}

/** A checkpointer closed after the test. */
export function openStore(
	path: string = tempDb(),
	options: { busyTimeoutMs?: number; synchronous?: "normal" | "full" } = {},
): SqliteCheckpointer {
	const cp = new SqliteCheckpointer({ path, ...options });
	open.push(cp);
	return cp;
}

let clock = Date.parse("2026-01-01T00:00:00.000Z");

/** A small checkpoint record; ids sort in the order they are made. */
export function record(
	id: string,
	parentId: string | null,
	options: {
		threadId?: string;
		ns?: string;
		step?: number;
		snapshot?: boolean;
		metadata?: Partial<CheckpointMetadata>;
		value?: unknown;
		createdAt?: string;
	} = {},
): CheckpointRecord {
	const snapshot = options.snapshot ?? parentId === null;
	clock += 1000;
	return {
		threadId: options.threadId ?? "t1",
		ns: options.ns ?? "",
		checkpointId: id,
		parentId,
		step: options.step ?? 0,
		source: "loop",
		createdAt: options.createdAt ?? new Date(clock).toISOString(),
		metadata: {
			nodes: ["a"],
			changed: ["x"],
			next: ["b"],
			...options.metadata,
			snapshot,
		},
		data: {
			writes: [["a", "x", options.value ?? id]],
			tasks: [{ id: "b", node: "b" }],
			...(snapshot ? { snapshot: { x: options.value ?? id } } : {}),
		},
	};
}

/** Puts a linear chain c0 <- c1 <- ... (c0 holds a snapshot) and returns the ids. */
export async function putChain(
	cp: SqliteCheckpointer,
	n: number,
	options: { threadId?: string; ns?: string; prefix?: string } = {},
): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < n; i++) {
		const id = `${options.prefix ?? "c"}${String(i).padStart(4, "0")}`;
		await cp.put(record(id, ids[i - 1] ?? null, { ...options, step: i - 1 }));
		ids.push(id);
	}
	return ids;
}

export async function collect(
	items: AsyncIterable<CheckpointSummary>,
): Promise<CheckpointSummary[]> {
	const out: CheckpointSummary[] = [];
	for await (const item of items) out.push(item);
	return out;
}

/** Another process holding `path`'s write lock (`BEGIN IMMEDIATE`) until killed. */
export async function holdWriteLock(
	path: string,
): Promise<ReturnType<typeof spawn>> {
	const child = spawn(
		process.execPath,
		[
			"-e",
			`const db = new (require(process.argv[1]))(process.argv[2]);
			db.exec("BEGIN IMMEDIATE");
			console.log("locked");
			setInterval(() => {}, 1000);`,
			createRequire(import.meta.url).resolve("better-sqlite3"),
			path,
		],
		{ stdio: ["ignore", "pipe", "inherit"] },
	);
	const [line] = await once(child.stdout!, "data");
	expect(String(line).trim()).toBe("locked");
	return child;
}
