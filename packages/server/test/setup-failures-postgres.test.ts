// `weft serve` / `weft worker` failing to start after Postgres was opened (a graph module that throws at
// import, a worker refused beside a process that holds the database alone) reported the error but left
// the checkpointer's pool (and the records' and store's) open: its connections stayed in Postgres and the
// process lingered until the pool's idle timeout (10 s), or for good had anything kept them busy. What
// was opened is closed before the error is reported (decision 0242).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MemoryCheckpointer } from "@weft/checkpoint";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root, weftMain } from "../../../test-setup/weft-cli.ts";
import { openPostgresRecords, serve } from "../src/index.ts";
import { slow } from "./fixtures/graphs.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
const available = await postgresAvailable();
let db: Awaited<ReturnType<typeof freshDatabase>>;
let dir: string;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("server_left_setup_failures");
	dir = mkdtempSync(join(tmpdir(), "weft-setup-failures-"));
	writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
	writeFileSync(
		join(dir, "throws.ts"),
		'export const graph = 1;\nthrow new Error("no API key in this module");\n',
	);
});
afterAll(async () => {
	for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
	await db?.drop();
	if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** Starts `weft <args>`: its stderr so far, and its exit code once it ends (never killed here). */
function weft(args: string[]) {
	const child = spawn(process.execPath, [weftMain, ...args], {
		cwd: root,
		env: { ...process.env, NO_COLOR: "1" },
		stdio: ["ignore", "pipe", "pipe"],
	});
	let stderr = "";
	child.stderr.on("data", (d: Buffer) => {
		stderr += d;
	});
	const exited = new Promise<number | null>((resolve) =>
		child.once("exit", (code) => resolve(code)),
	);
	cleanups.push(async () => {
		if (child.exitCode === null) child.kill("SIGKILL");
	});
	return { stderr: () => stderr, exited };
}

/** The connections a `weft <command>` process holds to the test's database (its application_name). */
async function connectionsOf(command: string): Promise<number> {
	const c = new pg.Client({ connectionString: db.url });
	await c.connect();
	try {
		const { rows } = await c.query<{ n: number }>(
			"SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1",
			[`weft ${command}`],
		);
		return rows[0]!.n;
	} finally {
		await c.end();
	}
}

/**
 * Once the error is reported, the process's connections are gone at once: waited for less long than the
 * pool's idle timeout (10 s), which closed them before, the error long reported.
 */
async function closedOnError(
	command: string,
	p: ReturnType<typeof weft>,
	error: string,
) {
	await expect
		.poll(p.stderr, { timeout: 60_000, interval: 50 })
		.toContain(error);
	await expect
		.poll(() => connectionsOf(command), { timeout: 5_000, interval: 100 })
		.toBe(0);
}

describe.skipIf(!available)("weft serve / worker failing to start", () => {
	it.each(["worker", "serve"])(
		"weft %s with a graph module that throws at import: USAGE, and its connections closed",
		async (command) => {
			const p = weft([
				command,
				"--postgres",
				db.url,
				"--graph",
				`bad=${join(dir, "throws.ts")}#graph`,
				...(command === "serve" ? ["--port", "0"] : []),
			]);
			await closedOnError(
				command,
				p,
				`error USAGE cannot import ${join(dir, "throws.ts")}`,
			);
			expect(await p.exited).toBe(2);
			expect(p.stderr()).toContain("no API key in this module");
		},
		90_000,
	);

	it("weft worker refused beside a process that holds the database alone: its connections closed", async () => {
		const records = await openPostgresRecords(db.url);
		const dev = await serve({
			graphs: { slow },
			checkpointer: new MemoryCheckpointer(),
			records,
			port: 0,
		});
		cleanups.push(
			() => records.close(),
			() => dev.close(),
		);
		const p = weft([
			"worker",
			"--postgres",
			db.url,
			"--graph",
			`slow=${graphs}#slow`,
		]);
		await closedOnError("worker", p, "error STORE_UNAVAILABLE");
		expect(await p.exited).toBe(1);
	}, 90_000);
});
