import { record } from "@weft/checkpoint/conformance";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
	admin,
	CONNECTION,
	freshSchema,
	postgresAvailable,
} from "./postgres.ts";

const available = await postgresAvailable();

/** The names of Weft's statements prepared on the pool's session (a pool of one connection). */
async function preparedNames(pool: pg.Pool): Promise<string[]> {
	const { rows } = await pool.query(
		"SELECT name FROM pg_prepared_statements WHERE name LIKE 'weft%' ORDER BY name",
	);
	return rows.map((r) => r.name as string);
}

describe.skipIf(!available)("PostgresCheckpointer", () => {
	const schemas: string[] = [];
	const fresh = () => {
		const s = freshSchema();
		schemas.push(s);
		return s;
	};
	afterEach(async () => {
		for (const s of schemas.splice(0))
			await admin(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
	});

	it("sets up idempotently, also from several pools at once", async () => {
		const schema = fresh();
		const all = await Promise.all(
			Array.from({ length: 4 }, () =>
				PostgresCheckpointer.connect({ connectionString: CONNECTION, schema }),
			),
		);
		await all[0]!.setup();
		await all[1]!.put(record());
		expect(await all[2]!.getTuple({ threadId: "thread" })).toBeDefined();
		await Promise.all(all.map((c) => c.close()));
	});

	it("works for a least-privilege role on an existing schema, creating nothing", async () => {
		const schema = fresh();
		const owner = await PostgresCheckpointer.connect({
			connectionString: CONNECTION,
			schema,
		});
		await owner.close();
		const role = `weft_app_${schema}`;
		await admin(`DROP ROLE IF EXISTS ${role}; CREATE ROLE ${role} LOGIN;
			GRANT USAGE ON SCHEMA "${schema}" TO ${role};
			GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "${schema}" TO ${role};`);
		try {
			const url = CONNECTION.replace("postgres@", `${role}@`);
			const app = await PostgresCheckpointer.connect({
				connectionString: url,
				schema,
				createSchema: false,
			});
			const root = record();
			await app.put(root);
			await app.setThreadStatus("thread", "done");
			expect((await app.listThreads())[0]).toMatchObject({
				threadId: "thread",
				status: "done",
			});
			await app.close();
			const missing = await PostgresCheckpointer.connect({
				connectionString: url,
				schema: fresh(),
				createSchema: false,
			}).catch((e: unknown) => e);
			expect(missing).toMatchObject({ code: "STORE_UNAVAILABLE" });
		} finally {
			await admin(`DROP OWNED BY ${role}; DROP ROLE ${role};`);
		}
	});

	it("refuses a schema written by a newer version, changing nothing", async () => {
		const schema = fresh();
		const first = await PostgresCheckpointer.connect({
			connectionString: CONNECTION,
			schema,
		});
		await first.close();
		await admin(`UPDATE "${schema}".schema_version SET version = 99`);
		const error = await PostgresCheckpointer.connect({
			connectionString: CONNECTION,
			schema,
		}).catch((e: unknown) => e);
		expect(error).toMatchObject({ code: "STORE_SCHEMA_TOO_NEW" });
		const client = new pg.Client({ connectionString: CONNECTION });
		await client.connect();
		expect(
			(await client.query(`SELECT version FROM "${schema}".schema_version`))
				.rows,
		).toEqual([{ version: 99 }]);
		await client.end();
	});

	/** Two checkpointers on one new schema, each with a pool of its own, and a root put by the first. */
	const twoPoolsOnARoot = async () => {
		const schema = fresh();
		const [a, b] = await Promise.all(
			[0, 1].map(() =>
				PostgresCheckpointer.connect({ connectionString: CONNECTION, schema }),
			),
		);
		const root = record();
		await a!.put(root);
		return { a: a!, b: b!, root };
	};

	it("lets exactly one of two pools extend a checkpoint with `exclusive`", async () => {
		const { a, b, root } = await twoPoolsOnARoot();
		const results = await Promise.allSettled(
			Array.from({ length: 6 }, (_, i) =>
				(i % 2 === 0 ? a : b).put(
					record({ parentId: root.checkpointId, step: 1 }),
					{ exclusive: true },
				),
			),
		);
		expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
		for (const r of results)
			if (r.status === "rejected")
				expect(r.reason).toMatchObject({ code: "CHECKPOINT_CONFLICT" });
		await a.close();
		await b.close();
	});

	it("keeps every child of a head as a head when two pools extend it at once (decision 0197)", async () => {
		const { a, b, root } = await twoPoolsOnARoot();
		// one takes the head in the one-statement path; the others wait on the thread row, find the head
		// gone and go the general way: all of them must end up heads, counted once each
		const children = Array.from({ length: 8 }, () =>
			record({ parentId: root.checkpointId, step: 1 }),
		);
		const seqs = await Promise.all(
			children.map((c, i) => (i % 2 === 0 ? a : b).put(c)),
		);
		expect(new Set(seqs.map((s) => s.seq)).size).toBe(children.length);
		const thread = await b.getThread(root.threadId);
		expect(thread?.checkpoints).toBe(children.length + 1);
		expect([...(thread?.heads ?? [])].sort()).toEqual(
			children.map((c) => c.checkpointId).sort(),
		);
		expect(
			(await a.heads({ threadId: root.threadId })).map((h) => h.checkpointId),
		).toEqual(thread?.heads);
		await a.close();
		await b.close();
	});

	it("closes the pool it created, not one it was given", async () => {
		const schema = fresh();
		const pool = new pg.Pool({ connectionString: CONNECTION });
		const given = await PostgresCheckpointer.connect({ pool, schema });
		await given.close();
		expect((await pool.query("SELECT 1 AS one")).rows[0].one).toBe(1);
		await pool.end();
		const owned = await PostgresCheckpointer.connect({
			connectionString: CONNECTION,
			schema,
		});
		await owned.close();
		await expect(owned.getTuple({ threadId: "thread" })).rejects.toMatchObject({
			code: "STORE_UNAVAILABLE",
		});
	});

	it("sends a step's put as a named statement, or unnamed with preparedStatements: false", async () => {
		const schema = fresh();
		// one connection, so that the session asked is the one the puts ran on
		const pool = new pg.Pool({ connectionString: CONNECTION, max: 1 });
		const prepared = () => preparedNames(pool);
		const named = await PostgresCheckpointer.connect({ pool, schema });
		const first = record({ threadId: "t" });
		const second = record({
			threadId: "t",
			parentId: first.checkpointId,
			step: 1,
		});
		await named.put(first);
		await named.put(second);
		expect(await prepared()).toEqual([`weft_${schema}_putCheckpoint`]);
		expect(
			(await named.getTuple({ threadId: "t" }))?.checkpoint.checkpointId,
		).toBe(second.checkpointId);

		await pool.query("DEALLOCATE ALL");
		const plain = await PostgresCheckpointer.connect({
			pool,
			schema,
			preparedStatements: false,
		});
		const third = record({
			threadId: "t",
			parentId: second.checkpointId,
			step: 2,
		});
		await plain.put(third);
		expect(
			(await plain.getTuple({ threadId: "t" }))?.checkpoint.checkpointId,
		).toBe(third.checkpointId);
		expect(await prepared()).toEqual([]);
		await pool.end();
	});

	it("takes, renews, records under and releases a lease through named statements (decision 0191), or unnamed with preparedStatements: false", async () => {
		const schema = fresh();
		const pool = new pg.Pool({ connectionString: CONNECTION, max: 1 });
		const prepared = async () =>
			(await preparedNames(pool)).map((n) => n.slice(`weft_${schema}_`.length));
		const lifecycle = async (cp: PostgresCheckpointer, threadId: string) => {
			const lease = await cp.acquireLease(threadId, {
				owner: "me",
				ttlMs: 30_000,
			});
			const renewed = await cp.renewLease(lease, 60_000);
			await cp.setThreadStatus(threadId, "interrupted", {
				fence: renewed.token,
			});
			expect(await cp.releaseLease(renewed, "done")).toBe(true);
			// refused: another holds it; the error names the holder (read by `leaseOf`)
			const other = await cp.acquireLease(threadId, {
				owner: "other",
				ttlMs: 30_000,
			});
			await expect(
				cp.acquireLease(threadId, { owner: "me", ttlMs: 30_000 }),
			).rejects.toMatchObject({ code: "THREAD_BUSY" });
			await expect(cp.renewLease(renewed, 30_000)).rejects.toMatchObject({
				code: "LEASE_LOST",
			});
			expect(await cp.releaseLease(other)).toBe(true);
			expect((await cp.getThread(threadId))?.status).toBe("done");
		};
		const named = await PostgresCheckpointer.connect({ pool, schema });
		await lifecycle(named, "t");
		expect(await prepared()).toEqual([
			"acquireLease",
			"leaseOf",
			"releaseLease",
			"renewLease",
			"setStatusFenced",
		]);

		await pool.query("DEALLOCATE ALL");
		const plain = await PostgresCheckpointer.connect({
			pool,
			schema,
			preparedStatements: false,
		});
		await lifecycle(plain, "u");
		expect(await prepared()).toEqual([]);
		await pool.end();
	});

	it("works in a schema with the longest name Postgres allows (63 characters): its statement names fit too", async () => {
		const schema = `${fresh()}_${"x".repeat(40)}`.slice(0, 63);
		schemas.push(schema);
		const cp = await PostgresCheckpointer.connect({
			connectionString: CONNECTION,
			schema,
		});
		try {
			const first = record({ threadId: "t" });
			await cp.put(first);
			await cp.put(
				record({ threadId: "t", parentId: first.checkpointId, step: 1 }),
			);
			expect((await cp.getTuple({ threadId: "t" }))?.checkpoint.step).toBe(1);
			expect(
				(await cp.getTuple({ threadId: "t", checkpointId: first.checkpointId }))
					?.checkpoint.step,
			).toBe(0);
		} finally {
			await cp.close();
		}
	});

	it("reports an unreachable server as STORE_UNAVAILABLE with a hint", async () => {
		const error = await PostgresCheckpointer.connect({
			connectionString: "postgres://postgres@127.0.0.1:1/test",
		}).catch((e: unknown) => e);
		expect(error).toMatchObject({ code: "STORE_UNAVAILABLE" });
		expect((error as { hint?: string }).hint).toMatch(/server/);
	});

	it("says what to check when the server refuses the login or has no such database", async () => {
		const url = new URL(CONNECTION);
		url.username = "no_such_role_weft";
		const login = await PostgresCheckpointer.connect({
			connectionString: url.toString(),
		}).catch((e: unknown) => e);
		expect(login).toMatchObject({
			code: "STORE_UNAVAILABLE",
			hint: expect.stringContaining("user and password"),
		});
		const db = new URL(CONNECTION);
		db.pathname = "/no_such_database_weft";
		const missing = await PostgresCheckpointer.connect({
			connectionString: db.toString(),
		}).catch((e: unknown) => e);
		expect(missing).toMatchObject({
			code: "STORE_UNAVAILABLE",
			hint: expect.stringContaining("no such database"),
		});
	});
});
