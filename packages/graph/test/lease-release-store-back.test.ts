// A run whose store goes away mid-step (Postgres refusing connections: a restart, a failover) fails
// STORE_UNAVAILABLE, and so does the release of its thread's lease. The lease used to hold the thread
// until its TTL lapsed (30 s by default: THREAD_BUSY for every runner meanwhile); the release is now tried
// again in the background, so the thread is free soon after the store is back.
import { isWeftError, threadLeaseOf } from "@weft/checkpoint";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { END, START, StateGraph } from "@weft/graph";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
	admin,
	CONNECTION,
	postgresAvailable,
} from "../../checkpoint-postgres/test/postgres.ts";

const available = await postgresAvailable();
const name = `weft_release_${process.pid}_${Date.now().toString(36)}`;
const url = CONNECTION.replace(/\/[^/]*$/, `/${name}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
	if (!available) return;
	await admin(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`).catch(
		() => {},
	);
	await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

describe.skipIf(!available)("the store away when a run ends", () => {
	it("the lease is released once the store is back, long before its TTL", async () => {
		await admin(`CREATE DATABASE "${name}"`);
		const cp = await PostgresCheckpointer.connect({ connectionString: url });
		let refuse: (() => Promise<void>) | undefined;
		const graph = new StateGraph(z.object({ n: z.number() }))
			.addNode("step", async (s) => {
				await refuse?.();
				return { n: s.n + 1 };
			})
			.addEdge(START, "step")
			.addEdge("step", END)
			.compile({ checkpointer: cp, leaseTtlMs: 60_000 });
		try {
			refuse = async () => {
				await admin(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
				const ours = new pg.Client({ connectionString: CONNECTION });
				await ours.connect();
				await ours.query(
					"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
					[name],
				);
				await ours.end();
			};
			const failed = await graph.invoke({ n: 0 }, { threadId: "t" }).then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(isWeftError(failed, "STORE_UNAVAILABLE")).toBe(true);
			refuse = undefined;
			await admin(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
			// well within the 60 s TTL: released by the retried release, not lapsed
			let lease: unknown = "held";
			for (let i = 0; i < 200 && lease !== null; i++) {
				lease =
					(await threadLeaseOf(cp, "t").catch(() => undefined))?.lease ?? null;
				if (lease !== null) await sleep(50);
			}
			expect(lease).toBeNull();
			// and the thread runs again at once
			expect(await graph.invoke({ n: 0 }, { threadId: "t" })).toEqual({ n: 1 });
		} finally {
			await cp.close();
		}
	}, 30_000);
});
