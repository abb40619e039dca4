// Outside check (7 Dec): PostgresCacheStore({ pool }) gave a caller's pool no 'error' listener, so an idle
// connection Postgres dropped (a restart, pg_terminate_backend) ended the process with an unhandled
// 'error' event; PostgresCheckpointer and PostgresStore guard a caller's pool (decision 0255).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { PostgresCacheStore } from "@weft/models/postgres";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
	CONNECTION,
	postgresAvailable,
} from "../../checkpoint-postgres/test/postgres.ts";

const child = fileURLToPath(new URL("./cache-pool-child.ts", import.meta.url));
const root = fileURLToPath(new URL("../../..", import.meta.url));

function runChild(table: string, app: string) {
	const proc = spawn(
		process.execPath,
		[
			"--conditions",
			"@weft/source",
			"--import",
			"tsx",
			child,
			CONNECTION,
			table,
			app,
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
	});
	return new Promise<{ code: number | null; stderr: string; report: unknown }>(
		(resolve) =>
			proc.on("close", (code) => {
				const line = out.trim().split("\n").at(-1);
				resolve({
					code,
					stderr: err,
					report: line ? JSON.parse(line) : undefined,
				});
			}),
	);
}

describe.skipIf(!(await postgresAvailable()))(
	"PostgresCacheStore on a caller's pool whose connection is lost",
	() => {
		const pool = new pg.Pool({ connectionString: CONNECTION });
		const table = `weft_cache_lost_${process.pid}_${Date.now().toString(36)}`;
		afterAll(async () => {
			await pool.query(`DROP TABLE IF EXISTS ${table}`);
			await pool.end();
		});

		it("keeps the process alive, and the next cache read works", async () => {
			const r = await runChild(table, `weft-cache-lost-${process.pid}`);
			expect(r.stderr).not.toMatch(
				/Unhandled 'error' event|terminating connection/,
			);
			expect(r.code).toBe(0);
			expect(r.report).toEqual({
				value: expect.objectContaining({ createdAt: 1 }),
			});
		}, 30_000);

		it("adds its listeners once to a pool several stores share", () => {
			const shared = new pg.Pool({ connectionString: CONNECTION });
			for (let i = 0; i < 20; i++)
				new PostgresCacheStore({ pool: shared, table });
			expect(shared.listenerCount("error")).toBe(1);
			expect(shared.listenerCount("connect")).toBe(1);
			void shared.end();
		});

		it("closes once however often close() is called, and is STORE_UNAVAILABLE after", async () => {
			const store = new PostgresCacheStore({
				connectionString: CONNECTION,
				table,
			});
			await store.get("k");
			await Promise.all([store.close(), store.close()]);
			await store.close();
			await expect(store.get("k")).rejects.toMatchObject({
				code: "STORE_UNAVAILABLE",
				message: expect.stringMatching(/closed/),
			});
		});

		it("is STORE_UNAVAILABLE, the driver's error as cause, when Postgres cannot be reached", async () => {
			const url = new URL(CONNECTION);
			url.port = "1"; // nothing listens there
			const store = new PostgresCacheStore({
				connectionString: url.toString(),
				table,
			});
			const error = await store.get("k").catch((e: unknown) => e);
			expect(error).toMatchObject({
				code: "STORE_UNAVAILABLE",
				cause: expect.objectContaining({ code: "ECONNREFUSED" }),
			});
			await store.close();
		});

		it("refuses a pool that is no pg.Pool, naming it", () => {
			expect(
				() => new PostgresCacheStore({ pool: {} as never, table }),
			).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
		});
	},
);
