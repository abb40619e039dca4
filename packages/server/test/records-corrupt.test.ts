// A server record damaged on disk (a bad sector, a hand edit, a bug of another version) must not stop the
// server from starting: it is skipped and reported, its thread is not served as if it had no owner, and
// every other record is served as before.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import Database from "better-sqlite3";
import { afterAll, expect, it, vi } from "vitest";
import { createApp, openSqliteRecords } from "../src/index.ts";
import { abc } from "./fixtures/audit-graphs.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-records-corrupt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("a thread or run record that cannot be read is skipped and reported; its thread answers CORRUPT_CHECKPOINT, the others as before", async () => {
	const path = join(dir, "weft.db");
	const post = (
		app: {
			request(url: string, init: RequestInit): Response | Promise<Response>;
		},
		url: string,
		body = {},
	) =>
		app.request(url, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify(body),
		});
	{
		const records = await openSqliteRecords(path);
		const checkpointer = new SqliteCheckpointer({ path });
		const weft = createApp({ graphs: { abc }, checkpointer, records });
		await weft.ready;
		for (const id of ["good", "bad-json", "bad-shape"]) {
			expect((await post(weft.app, "/threads", { thread_id: id })).status).toBe(
				200,
			);
			expect(
				(
					await post(weft.app, `/threads/${id}/runs/wait`, {
						assistant_id: "abc",
						input: { n: 1 },
					})
				).status,
			).toBe(200);
		}
		await weft.close();
		await records.close();
		checkpointer.close();
	}
	const db = new Database(path);
	db.prepare(
		"UPDATE weft_server_threads SET body = '{not json' WHERE thread_id = 'bad-json'",
	).run();
	db.prepare(
		"UPDATE weft_server_threads SET body = '[1,2]' WHERE thread_id = 'bad-shape'",
	).run();
	db.prepare(
		"UPDATE weft_server_runs SET body = '\"x\"' WHERE thread_id = 'good'",
	).run();
	db.close();

	const reported = vi.spyOn(console, "error").mockImplementation(() => {});
	const records = await openSqliteRecords(path);
	const checkpointer = new SqliteCheckpointer({ path });
	const weft = createApp({ graphs: { abc }, checkpointer, records });
	try {
		await weft.ready;
		expect((await weft.app.request("/ok")).status).toBe(200);
		expect((await weft.app.request("/threads/good")).status).toBe(200);
		// their checkpoints are there, but they are not listed as threads without a record (decision 0236)
		const listed = await post(weft.app, "/threads/search", { limit: 100 });
		expect(
			((await listed.json()) as { thread_id: string }[]).map(
				(t) => t.thread_id,
			),
		).toEqual(["good"]);
		for (const id of ["bad-json", "bad-shape"]) {
			const res = await weft.app.request(`/threads/${id}`);
			expect(res.status).toBe(500);
			expect(JSON.stringify(await res.json())).toContain("CORRUPT_CHECKPOINT");
		}
		const text = reported.mock.calls
			.map((c) => c.map(String).join(" "))
			.join("\n");
		expect(text).toContain('"bad-json"');
		expect(text).toContain('"bad-shape"');
		expect(text).toMatch(/run record/);
		// nothing saved is lost: the damaged rows are still there to restore
		const rows = new Database(path)
			.prepare("SELECT count(*) AS n FROM weft_server_threads")
			.get() as { n: number };
		expect(rows.n).toBe(3);
	} finally {
		reported.mockRestore();
		await weft.close();
		await records.close();
		checkpointer.close();
	}
});
