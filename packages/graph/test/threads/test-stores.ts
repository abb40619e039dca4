// The stores a thread test runs on: memory, a SQLite file, and Postgres where it runs here (CI).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll } from "vitest";
import {
	freshCheckpointer,
	postgresAvailable,
} from "../../../checkpoint-postgres/test/postgres.ts";

/**
 * A new, empty checkpointer of each store, by name (`describe.each(Object.keys(stores))`); the files and
 * databases made are removed after the test file's tests.
 */
export async function testStores(): Promise<
	Record<string, () => Promise<Checkpointer>>
> {
	const dir = mkdtempSync(join(tmpdir(), "weft-thread-test-"));
	const drops: (() => Promise<void>)[] = [];
	afterAll(async () => {
		for (const drop of drops) await drop();
		rmSync(dir, { recursive: true, force: true });
	});
	let files = 0;
	const stores: Record<string, () => Promise<Checkpointer>> = {
		memory: async () => new MemoryCheckpointer(),
		sqlite: async () =>
			new SqliteCheckpointer({ path: join(dir, `s${files++}.db`) }),
	};
	if (await postgresAvailable())
		stores.postgres = async () => {
			const { cp, drop } = await freshCheckpointer();
			drops.push(drop);
			return cp;
		};
	return stores;
}
