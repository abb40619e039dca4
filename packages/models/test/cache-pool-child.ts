// A process whose pg.Pool, given to a PostgresCacheStore, has no 'error' listener of its own: the parent
// test (postgres-cache-lost-connection.test.ts) checks it survives its idle connection being terminated.
// Prints one JSON line: what the cache read after the connection was lost, or the error it gave.
import { isWeftError } from "@weft/checkpoint";
import { PostgresCacheStore } from "@weft/models/postgres";
import pg from "pg";

const [connectionString, table, app] = process.argv.slice(2) as [
	string,
	string,
	string,
];
const pool = new pg.Pool({ connectionString, application_name: app, max: 2 });
const store = new PostgresCacheStore({ pool, table });
const entry = {
	message: { type: "ai", data: { content: "cached" } },
	createdAt: 1,
} as never;
await store.set("k", entry);
await store.get("k"); // an idle client left in the pool

// Another connection ends every backend of this pool's (as a Postgres restart would).
const admin = new pg.Client({ connectionString });
admin.on("error", () => {});
await admin.connect();
const removed = new Promise((resolve) => pool.once("remove", resolve));
await admin.query(
	"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
	[app],
);
await admin.end();
await removed;

let report: Record<string, unknown>;
try {
	report = { value: await store.get("k") };
} catch (error) {
	report = { error: isWeftError(error) ? error.code : String(error) };
}
process.stdout.write(`${JSON.stringify(report)}\n`);
await pool.end();
