import type { CheckpointRecord } from "@weft/checkpoint";
import { chainAfter, record } from "@weft/checkpoint/conformance";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../src/schema.ts";
import {
	admin,
	all,
	CONNECTION,
	freshSchema,
	postgresAvailable,
	rows,
} from "./postgres.ts";

const available = await postgresAvailable();

describe.skipIf(!available)("a schema-4 database opened by this code", () => {
	const schemas: string[] = [];
	const open: PostgresCheckpointer[] = [];
	afterEach(async () => {
		for (const cp of open.splice(0)) await cp.close();
		for (const s of schemas.splice(0))
			await admin(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
	});

	const connect = async (schema: string) => {
		const cp = await PostgresCheckpointer.connect({
			connectionString: CONNECTION,
			schema,
		});
		open.push(cp);
		return cp;
	};

	/** Root columns of a thread row, read behind the store's back. */
	const rootColumns = async (schema: string, threadId: string) =>
		(
			await rows(
				`SELECT root_count::int AS count, root_heads AS heads FROM "${schema}".threads WHERE thread_id = $1`,
				[threadId],
			)
		)[0];

	/**
	 * Written by this code, then taken back to schema 4: the two columns dropped, migration 3's
	 * put_checkpoint put back and the version set to 4, which leaves exactly schema 4.
	 */
	async function v4Schema(): Promise<{
		schema: string;
		trunk: CheckpointRecord[];
		fork: CheckpointRecord;
	}> {
		const schema = freshSchema();
		schemas.push(schema);
		const s = `"${schema}"`;
		const cp = await connect(schema);
		const root = record();
		await cp.put(root);
		const trunk = [root, ...chainAfter(root, 4)];
		for (const r of trunk.slice(1)) await cp.put(r);
		const [fork] = chainAfter(trunk[1]!, 1);
		await cp.put(fork!);
		const sub = record({ ns: "sub" });
		await cp.put(sub);
		await cp.put(record({ threadId: "other", ns: "sub" }));
		await admin(`ALTER TABLE ${s}.threads DROP COLUMN root_count, DROP COLUMN root_heads;
			${MIGRATIONS[2]!.replaceAll("$S", s)}
			UPDATE ${s}.schema_version SET version = 4;`);
		return { schema, trunk, fork: fork! };
	}

	it("migrates without computing anything: reads scan while a row does not know, its next root put fills it in", async () => {
		const { schema, trunk, fork } = await v4Schema();
		const cp = await connect(schema);
		expect(
			await rows(`SELECT version FROM "${schema}".schema_version`),
		).toEqual([{ version: MIGRATIONS.length }]);
		expect(await rootColumns(schema, "thread")).toEqual({
			count: null,
			heads: null,
		});
		const heads = [fork.checkpointId, trunk[4]!.checkpointId];
		expect(await cp.getThread("thread")).toMatchObject({
			checkpoints: 6,
			heads,
		});
		expect(
			(await cp.heads({ threadId: "thread" })).map((h) => h.checkpointId),
		).toEqual(heads);
		expect(await cp.getThread("other")).toMatchObject({
			checkpoints: 0,
			heads: [],
		});
		// a subgraph put leaves the root unknown; a root put (a fork here) fills it in, in its transaction
		await cp.put(record({ ns: "sub" }));
		expect((await rootColumns(schema, "thread"))?.count).toBeNull();
		const [second] = chainAfter(trunk[0]!, 1);
		await cp.put(second!);
		expect(await rootColumns(schema, "thread")).toEqual({
			count: 7,
			heads: [second!.checkpointId, ...heads],
		});
		const [next] = chainAfter(trunk[4]!, 1);
		await cp.put(next!);
		expect(await rootColumns(schema, "thread")).toEqual({
			count: 8,
			heads: [next!.checkpointId, second!.checkpointId, fork.checkpointId],
		});
		expect((await all(cp.list({ threadId: "thread" }))).length).toBe(8);
		// a thread with only subgraph checkpoints: its first root put counts them out
		const first = record({ threadId: "other" });
		await cp.put(first);
		expect(await rootColumns(schema, "other")).toEqual({
			count: 1,
			heads: [first.checkpointId],
		});
	});

	it("fills a row in on prune", async () => {
		const { schema, trunk, fork } = await v4Schema();
		const cp = await connect(schema);
		expect(
			await cp.prune("thread", {
				keepLast: 1,
				rebuild: () => ({ rebuilt: true }),
			}),
		).toBeGreaterThan(0);
		const listed = await all(cp.list({ threadId: "thread" }));
		expect(await rootColumns(schema, "thread")).toEqual({
			count: listed.length,
			heads: [fork.checkpointId, trunk[4]!.checkpointId],
		});
	});
});
