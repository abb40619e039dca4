import { record } from "@weft/checkpoint/conformance";
import {
	PostgresCheckpointer,
	SCHEMA_VERSION,
} from "@weft/checkpoint-postgres";
import { afterEach, describe, expect, it } from "vitest";
import {
	admin,
	all,
	CONNECTION,
	freshSchema,
	postgresAvailable,
	rows,
} from "./postgres.ts";

const available = await postgresAvailable();

/** Schema 1 as @weft/checkpoint-postgres 0.1 created it. */
const V1 = `
	CREATE TABLE $S.schema_version (version INTEGER NOT NULL);
	INSERT INTO $S.schema_version VALUES (1);
	CREATE TABLE $S.checkpoints (thread_id TEXT NOT NULL, ns TEXT NOT NULL, checkpoint_id TEXT NOT NULL,
		parent_id TEXT, step INTEGER NOT NULL, source TEXT NOT NULL, created_at TEXT NOT NULL,
		metadata JSONB NOT NULL, has_snapshot BOOLEAN NOT NULL, size INTEGER NOT NULL, data BYTEA NOT NULL,
		PRIMARY KEY (thread_id, ns, checkpoint_id));
	CREATE INDEX checkpoints_parent ON $S.checkpoints (thread_id, ns, parent_id);
	CREATE TABLE $S.writes (thread_id TEXT NOT NULL, ns TEXT NOT NULL, checkpoint_id TEXT NOT NULL,
		seq INTEGER NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (thread_id, ns, checkpoint_id, seq));
	CREATE TABLE $S.threads (thread_id TEXT PRIMARY KEY, status TEXT NOT NULL, created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL);
	CREATE INDEX threads_updated ON $S.threads (updated_at);`;

describe.skipIf(!available)("PostgresCheckpointer schema migration", () => {
	const schemas: string[] = [];
	afterEach(async () => {
		for (const s of schemas.splice(0))
			await admin(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
	});

	it("migrates a schema-1 database: seq in the old (id) order, threads without a lease, pending interrupts kept by prune", async () => {
		const schema = freshSchema();
		schemas.push(schema);
		const s = `"${schema}"`;
		await admin(`CREATE SCHEMA ${s}; ${V1.replaceAll("$S", s)}`);
		const root = record({ snapshot: { log: [] } });
		const next = record({ parentId: root.checkpointId, step: 1 });
		const sub = record({ ns: "sub" });
		const json = (x: unknown) => Buffer.from(`j${JSON.stringify(x)}`);
		for (const r of [root, next, sub])
			await admin(
				`INSERT INTO ${s}.checkpoints VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
				[
					r.threadId,
					r.ns,
					r.checkpointId,
					r.parentId,
					r.step,
					r.source,
					r.createdAt,
					JSON.stringify(r.metadata),
					r.metadata.snapshot,
					10,
					json(r.data),
				],
			);
		await admin(`INSERT INTO ${s}.writes VALUES ($1, '', $2, 0, $3)`, [
			"thread",
			root.checkpointId,
			json({
				kind: "interrupt",
				taskId: "t",
				node: "n",
				id: "i",
				index: 0,
				value: 1,
			}),
		]);
		// A thread row was only written by puts: this one lost it.
		const cp = await PostgresCheckpointer.connect({
			connectionString: CONNECTION,
			schema,
		});
		try {
			expect(await rows(`SELECT version FROM ${s}.schema_version`)).toEqual([
				{ version: SCHEMA_VERSION },
			]);
			const listed = await all(cp.list({ threadId: "thread" }));
			expect(listed.map((x) => [x.checkpointId, x.seq])).toEqual([
				[next.checkpointId, 2],
				[root.checkpointId, 1],
			]);
			expect(
				(await all(cp.list({ threadId: "thread", ns: "sub" })))[0]?.seq,
			).toBe(3);
			expect(await cp.getThread("thread")).toMatchObject({
				status: "stale",
				heads: [next.checkpointId],
				lease: null,
			});
			const after = record({ parentId: next.checkpointId, step: 2 });
			expect((await cp.put(after)).seq).toBe(4);
			const lease = await cp.acquireLease("thread", {
				owner: "a",
				ttlMs: 10_000,
			});
			expect(lease.token).toBe(1);
			// The old pending write has no recorded kind: prune reads it, and keeps its checkpoint.
			expect(
				await cp.prune("thread", { keepLast: 1, rebuild: () => ({}) }),
			).toBe(1);
			expect(
				(await all(cp.list({ threadId: "thread" }))).map((x) => x.checkpointId),
			).toEqual([after.checkpointId, root.checkpointId]);
		} finally {
			await cp.close();
		}
	});
});
