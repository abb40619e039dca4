import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { record } from "@weft/checkpoint/conformance";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
	all,
	CONNECTION,
	freshCheckpointer,
	postgresAvailable,
	rows,
} from "./postgres.ts";

const available = await postgresAvailable();
const child = fileURLToPath(new URL("./terminate-child.ts", import.meta.url));
const root = fileURLToPath(new URL("../../../", import.meta.url));
const APP = "weft_terminate_child";

interface ChildResult {
	code: number | null;
	stderr: string;
	report:
		| { committed: string[]; codes: Record<string, number>; untyped: string[] }
		| undefined;
}

function runChild(
	schema: string,
	rounds: number,
	onReady: () => void,
): Promise<ChildResult> {
	const url = new URL(CONNECTION);
	url.searchParams.set("application_name", APP);
	const proc = spawn(
		process.execPath,
		[
			"--conditions",
			"@weft/source",
			"--import",
			"tsx",
			child,
			url.toString(),
			schema,
			String(rounds),
		],
		{ cwd: root, stdio: ["ignore", "pipe", "pipe"] },
	);
	let out = "";
	let err = "";
	proc.stdout.on("data", (d) => {
		out += String(d);
	});
	proc.stderr.on("data", (d) => {
		err += String(d);
		if (err.includes("ready\n")) onReady();
	});
	return new Promise((resolve) => {
		proc.on("close", (code) => {
			const line = out.trim().split("\n").at(-1);
			resolve({
				code,
				stderr: err,
				report: line ? JSON.parse(line) : undefined,
			});
		});
	});
}

/**
 * A pool whose next `lose` commits reach the server but whose answer is lost: the connection breaks right
 * after COMMIT (the case where a client cannot know whether its write committed).
 */
function losingPool(): pg.Pool & {
	lose: number;
	destroyed: number;
	down: boolean;
} {
	const pool = Object.assign(new pg.Pool({ connectionString: CONNECTION }), {
		lose: 0,
		destroyed: 0,
		down: false,
	});
	const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
	const patched = new WeakSet<pg.PoolClient>();
	pool.connect = (async () => {
		const client = await connect();
		if (!patched.has(client)) {
			patched.add(client);
			const query = client.query.bind(client) as (
				q: string | pg.QueryConfig,
				v?: unknown[],
			) => Promise<pg.QueryResult>;
			client.query = (async (
				q: string | pg.QueryConfig,
				values?: unknown[],
			) => {
				if (pool.down) throw new Error("Connection terminated unexpectedly");
				const result = await query(q, values);
				const text = textOf(q);
				// the answer to a commit is lost: a transaction's COMMIT, or a put, a lease taken or released (one
				// statement that commits)
				const commits =
					text === "COMMIT" ||
					text.includes(".put_checkpoint(") ||
					text.includes("lease_owner = excluded.lease_owner") ||
					text.includes("SET lease_owner = NULL");
				if (commits && pool.lose > 0) {
					pool.lose--;
					pool.destroyed++;
					throw new Error("Connection terminated unexpectedly");
				}
				return result;
			}) as typeof client.query;
		}
		return client;
	}) as typeof pool.connect;
	return pool;
}

describe.skipIf(!available)(
	"PostgresCheckpointer when connections are lost",
	() => {
		const drops: Array<() => Promise<void>> = [];
		afterEach(async () => {
			for (const drop of drops.splice(0)) await drop();
		});

		it("survives pg_terminate_backend of its connections in a loop, also while a write waits on the thread's lock", async () => {
			const { cp, schema, drop } = await freshCheckpointer();
			drops.push(drop);
			await cp.put(record({ snapshot: { log: [] } }));
			const killer = new pg.Client({ connectionString: CONNECTION });
			killer.on("error", () => {});
			await killer.connect();
			let ready = false;
			let finished = false;
			let terminated = 0;
			const result = runChild(schema, 30, () => {
				ready = true;
			}).finally(() => {
				finished = true;
			});
			// Hold the thread's row lock so the child's writes queue on it, then end the child's backends.
			while (!finished) {
				await killer.query("BEGIN");
				await killer.query(
					`SELECT 1 FROM "${schema}".threads WHERE thread_id = 'thread' FOR UPDATE`,
				);
				await new Promise((r) => setTimeout(r, 15));
				// Terminate in bursts, then let the child through: on a fast machine an unbroken loop can
				// outlast every retry, and the test must also see writes commit between the terminations.
				if (ready && terminated < 40) {
					const { rows } = await killer.query(
						"SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1) t",
						[APP],
					);
					terminated += rows[0].n as number;
				}
				await killer.query("COMMIT");
				await new Promise((r) => setTimeout(r, 15));
			}
			await killer.end();
			const { code, stderr, report } = await result;
			expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({
				code: 0,
				stderr: "",
			});
			expect(report?.untyped).toEqual([]);
			expect(
				Object.keys(report!.codes).filter((c) => c !== "STORE_UNAVAILABLE"),
			).toEqual([]);
			expect(terminated).toBeGreaterThan(10);
			expect(report!.committed.length).toBe(30);
			// Nothing the child saw committed is lost, and the chain it built reads.
			const ids = (
				await rows(`SELECT checkpoint_id FROM "${schema}".checkpoints`)
			).map((r) => r.checkpoint_id);
			expect(ids).toEqual(expect.arrayContaining(report!.committed));
			const tip = await cp.getTuple({ threadId: "thread" });
			const chain = await cp.getChain({
				threadId: "thread",
				checkpointId: tip!.checkpoint.checkpointId,
			});
			expect(chain.length).toBe(ids.length);
		}, 120_000);

		it("retries a write whose commit answer was lost, recognising what the first attempt committed", async () => {
			const pool = losingPool();
			const { cp, schema, drop } = await freshCheckpointer({ pool });
			drops.push(async () => {
				await drop();
				await pool.end();
			});
			const root = record({ snapshot: {} });
			pool.lose = 1;
			expect(await cp.put(root)).toMatchObject({ seq: 1 });
			const next = record({ parentId: root.checkpointId, step: 1 });
			pool.lose = 1;
			expect(await cp.put(next, { exclusive: true })).toMatchObject({ seq: 2 });
			const ref = { threadId: "thread", checkpointId: next.checkpointId };
			pool.lose = 1;
			await cp.putWrites(ref, [
				{ kind: "once", taskId: "n", key: "k", value: 1 },
			]);
			pool.lose = 1;
			const lease = await cp.acquireLease("thread", {
				owner: "a",
				ttlMs: 60_000,
			});
			expect(lease.token).toBe(1);
			pool.lose = 1;
			expect(await cp.releaseLease(lease, "done")).toBe(true);
			expect(pool.destroyed).toBe(5);
			const seqs = await rows(
				`SELECT seq FROM "${schema}".checkpoints ORDER BY seq`,
			);
			expect(seqs.map((r) => Number(r.seq))).toEqual([1, 2]);
			expect((await cp.getTuple(ref))?.pendingWrites).toHaveLength(1);
			expect(await cp.getThread("thread")).toMatchObject({
				status: "done",
				lease: null,
			});
			// When the server stays away, the write fails typed.
			pool.down = true;
			await expect(
				cp.put(record({ parentId: next.checkpointId, step: 2 })),
			).rejects.toMatchObject({
				code: "STORE_UNAVAILABLE",
			});
			pool.down = false;
		});

		it("a read whose connections are terminated under it says nothing was written and it may run again; a write keeps its doubt", async () => {
			const app = `${APP}_reads`;
			// one session holds a lock of every table, another ends the backends waiting on it
			const [locker, killer] = [0, 1].map(() => {
				const client = new pg.Client({ connectionString: CONNECTION });
				client.on("error", () => {});
				drops.push(() => client.end());
				return client;
			}) as [pg.Client, pg.Client];
			await locker.connect();
			await killer.connect();
			const url = new URL(CONNECTION);
			url.searchParams.set("application_name", app);
			const { cp, schema, drop } = await freshCheckpointer({
				connectionString: url.toString(),
			});
			drops.push(drop);
			const root = record({ snapshot: {} });
			await cp.put(root);
			/**
			 * Runs `op` while its statements wait on a lock of the tables, ending every backend that waits there
			 * (each attempt of it, on each new connection) until `op` fails; returns what it failed with.
			 */
			const killedUnder = async (op: () => Promise<unknown>) => {
				await locker.query("BEGIN");
				await locker.query(
					`LOCK TABLE "${schema}".checkpoints, "${schema}".writes, "${schema}".threads IN ACCESS EXCLUSIVE MODE`,
				);
				let settled = false;
				const failed = op().then(
					() => undefined,
					(e: unknown) => e,
				);
				void failed.finally(() => {
					settled = true;
				});
				let terminated = 0;
				for (let i = 0; !settled && i < 1000; i++) {
					const { rows } = await killer.query(
						"SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock') t",
						[app],
					);
					terminated += rows[0].n as number;
					await new Promise((r) => setTimeout(r, 10));
				}
				await locker.query("COMMIT");
				expect(terminated).toBeGreaterThan(0);
				return failed;
			};
			const ref = { threadId: "thread", checkpointId: root.checkpointId };
			const reads: Record<string, () => Promise<unknown>> = {
				getTuple: () => cp.getTuple({ threadId: "thread" }),
				getChain: () => cp.getChain(ref),
				list: () => all(cp.list({ threadId: "thread" })),
				getThread: () => cp.getThread("thread"),
			};
			for (const [name, op] of Object.entries(reads)) {
				const error = await killedUnder(op);
				expect({ name, error }).toMatchObject({
					name,
					error: {
						code: "STORE_UNAVAILABLE",
						cause: { code: "57P01" }, // terminated by pg_terminate_backend
						hint: expect.stringContaining(
							"nothing was written, so it is safe to run it again",
						),
					},
				});
				expect((error as { hint: string }).hint).not.toContain("committed");
			}
			const write = await killedUnder(() =>
				cp.put(record({ parentId: root.checkpointId, step: 1 })),
			);
			expect(write).toMatchObject({
				code: "STORE_UNAVAILABLE",
				cause: { code: "57P01" },
				hint: expect.stringContaining(
					"may or may not have been committed, so read the thread before running it again",
				),
			});
			// with the lock released, the same read answers
			expect(
				(await cp.getTuple({ threadId: "thread" }))?.checkpoint,
			).toMatchObject({ checkpointId: root.checkpointId });
		}, 60_000);

		it("commits a checkpoint in one statement: one round trip, no BEGIN or COMMIT", async () => {
			const pool = losingPool();
			const { cp, drop } = await freshCheckpointer({ pool });
			drops.push(async () => {
				await drop();
				await pool.end();
			});
			const root = record({ snapshot: {} });
			await cp.put(root);
			const lease = await cp.acquireLease("thread", {
				owner: "a",
				ttlMs: 60_000,
			});
			const sent = sentBy(pool);
			await cp.put(record({ parentId: root.checkpointId, step: 1 }), {
				fence: lease.token,
				exclusive: true,
			});
			expect(sent).toHaveLength(1);
			expect(sent[0]).toContain(".put_checkpoint(");
		});

		it("takes a lease, records a fenced status and releases it in one statement each: no BEGIN or COMMIT", async () => {
			const pool = losingPool();
			const { cp, drop } = await freshCheckpointer({ pool });
			drops.push(async () => {
				await drop();
				await pool.end();
			});
			const sent = sentBy(pool);
			const lease = await cp.acquireLease("thread", {
				owner: "a",
				ttlMs: 60_000,
			});
			expect(lease).toMatchObject({ token: 1, owner: "a" });
			await cp.setThreadStatus("thread", "running", { fence: lease.token });
			expect(await cp.releaseLease(lease, "done")).toBe(true);
			expect(sent).toHaveLength(3);
			expect(sent.some((t) => /^\s*(BEGIN|COMMIT)/i.test(t))).toBe(false);
			// a second runner's lease over a released one: the next token, on the row that exists
			const next = await cp.acquireLease("thread", {
				owner: "b",
				ttlMs: 60_000,
			});
			expect(next).toMatchObject({ token: 2, owner: "b" });
			expect(await cp.getThread("thread")).toMatchObject({
				status: "done",
				lease: { token: 2, owner: "b" },
			});
		});
	},
);

/** The text of every query sent through `pool`'s clients from now on, in order. */
/** A query's SQL, sent as text or as a (named) statement's config. */
const textOf = (q: string | pg.QueryConfig) =>
	typeof q === "string" ? q : q.text;

function sentBy(pool: ReturnType<typeof losingPool>): string[] {
	const sent: string[] = [];
	const connect = pool.connect;
	pool.connect = (async () => {
		const client = await connect();
		const query = client.query;
		client.query = ((q: string | pg.QueryConfig, values?: unknown[]) => {
			sent.push(textOf(q));
			return query(q, values);
		}) as typeof client.query;
		const release = client.release.bind(client);
		client.release = ((e?: Error | boolean) => {
			client.query = query;
			return release(e);
		}) as typeof client.release;
		return client;
	}) as typeof pool.connect;
	return sent;
}
