// Every connection a Weft process opens carries its name (`application_name`: "weft serve", "weft
// worker", "weft dev"), so that pg_stat_activity tells which process holds what; a name the URL (or
// PGAPPNAME) gives wins.
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
} from "./fixtures/processes.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const graphArgs = ["--graph", `slow=${graphs}#slow`];
const available = await postgresAvailable();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
}, 30_000);

async function names(url: string): Promise<string[]> {
	const c = new pg.Client({ connectionString: url });
	await c.connect();
	try {
		const { rows } = await c.query<{ application_name: string }>(
			`SELECT DISTINCT application_name FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid() ORDER BY 1`,
		);
		return rows.map((r) => r.application_name);
	} finally {
		await c.end();
	}
}

describe.skipIf(!available)("application_name of Weft's connections", () => {
	it("weft serve and weft worker name theirs; the URL's own name wins", async () => {
		const db = await freshDatabase("appname");
		cleanups.push(() => db.drop());
		const api = await startProcess(
			["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
			/listening on (http:\/\/[^\s]+)/,
		);
		cleanups.push(async () => void (await api.stop("SIGKILL")));
		const worker = await startProcess(
			[
				"worker",
				"--postgres",
				`${db.url}?application_name=pool-a`,
				...graphArgs,
			],
			/weft worker: ready/,
		);
		cleanups.push(async () => void (await worker.stop("SIGKILL")));
		expect(await names(db.url)).toEqual(["pool-a", "weft serve"]);
	}, 60_000);
});
