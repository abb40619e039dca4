// A database that refuses new connections for a while (a restart, a failover, `ALLOW_CONNECTIONS false`):
// Postgres answers the connection with "database … is not currently accepting connections" (SQLSTATE
// 55000). That is the store being away, not a statement being wrong: it must read as a lost connection
// (STORE_UNAVAILABLE, retried), or a worker ends on it as an unhandled error.
import {
	isConnectionLoss,
	PostgresCheckpointer,
} from "@weft/checkpoint-postgres";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { admin, CONNECTION, postgresAvailable } from "./postgres.ts";

const available = await postgresAvailable();
const name = `weft_refusing_${process.pid}_${Date.now().toString(36)}`;
const url = CONNECTION.replace(/\/[^/]*$/, `/${name}`);

afterAll(async () => {
	if (!available) return;
	await admin(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`).catch(
		() => {},
	);
	await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

describe.skipIf(!available)("a database refusing connections", () => {
	it("is a lost connection: the checkpointer's reads fail STORE_UNAVAILABLE, and work again after", async () => {
		await admin(`CREATE DATABASE "${name}"`);
		const cp = await PostgresCheckpointer.connect({ connectionString: url });
		try {
			await admin(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS false`);
			await admin(
				"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
				[name],
			);
			const raw = new pg.Client({ connectionString: url });
			raw.on("error", () => {});
			const refused = await raw.connect().then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(String(refused)).toMatch(/not currently accepting connections/);
			expect(isConnectionLoss(refused)).toBe(true);
			// as a server answering in another language says it: the SQLSTATE and the routine decide
			expect(
				isConnectionLoss(
					Object.assign(new Error("la base n'accepte pas de connexions"), {
						code: (refused as { code?: string }).code,
						routine: (refused as { routine?: string }).routine,
					}),
				),
			).toBe(true);
			await expect(cp.getTuple({ threadId: "t" })).rejects.toMatchObject({
				code: "STORE_UNAVAILABLE",
			});
			await admin(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS true`);
			expect(await cp.getTuple({ threadId: "t" })).toBeUndefined();
		} finally {
			await cp.close();
		}
	});
});
