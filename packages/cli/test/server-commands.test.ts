import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weft } from "./run-cli.ts";

const graph = fileURLToPath(
	new URL("./fixtures/review-graph.ts", import.meta.url),
);

let dir: string;
let taken: Server;
let port: number;

describe("weft dev / studio / mcp: a taken port and a missing database are usage errors; their help", () => {
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), "weft-server-commands-"));
		// a real listener on the port, as another program would hold it
		taken = createServer();
		await new Promise<void>((done) => taken.listen(0, "127.0.0.1", done));
		port = (taken.address() as { port: number }).port;
	});
	afterAll(async () => {
		await new Promise((done) => taken.close(done));
		rmSync(dir, { recursive: true, force: true });
	});

	it("weft dev on a taken port says which port and what to pass, with exit code 2 (no stack trace)", async () => {
		const db = join(dir, "dev.db");
		const out = await weft([
			"--db",
			db,
			"dev",
			"--graph",
			`review=${graph}#graph`,
			"--port",
			String(port),
		]);
		expect(out.code).toBe(2);
		expect(out.stderr).toContain(`error USAGE port ${port} is in use`);
		expect(out.stderr).toContain("hint: pass another --port, or --port 0");
		expect(out.stderr).not.toMatch(/Unhandled|node:events|\bat .*\.ts:\d+/);
		// the database it made for nothing is gone again (outside new-user audit, 2 Dec)
		expect(existsSync(db)).toBe(false);
	}, 60_000);

	it("weft dev with WEFT_API_TOKENS set but no --auth says it serves without tokens", async () => {
		// deploy probe, 7 Dec: the tokens were in the unit file, --auth was not, and nothing said the
		// API was open to anyone who could reach it
		const db = join(dir, "open.db");
		const out = await weft(
			[
				"--db",
				db,
				"dev",
				"--graph",
				`review=${graph}#graph`,
				"--port",
				String(port),
			],
			{ env: { WEFT_API_TOKENS: "web:tok-web" } },
		);
		expect(out.stderr).toContain(
			"weft dev: WEFT_API_TOKENS is set but --auth is not given: requests are served without a token",
		);
		expect(out.stderr).not.toContain("tok-web");
	}, 60_000);

	/** `weft <command> --auth` on the SQLite file `db` (dev) or a database never made (serve). */
	const startWithAuth = (
		command: string,
		db: string,
		tokens: string | undefined,
	) =>
		weft(
			[
				...(command === "dev"
					? ["--db", db]
					: [
							"--postgres",
							"postgres://postgres@127.0.0.1:5432/weft_never_made",
						]),
				command,
				"--graph",
				`review=${graph}#graph`,
				"--port",
				"0",
				"--auth",
			],
			{ env: { WEFT_API_TOKENS: tokens } },
		);

	it.each([
		["dev", undefined],
		["serve", ""],
	])(
		"weft %s --auth without tokens in WEFT_API_TOKENS (%j) is a USAGE error, not a server that refuses every request",
		async (command, tokens) => {
			// found deploying from docs/deploy.md: a unit file without the variable served 401 to everyone
			const db = join(dir, `auth-${command}.db`);
			const out = await startWithAuth(command, db, tokens);
			expect(out.code).toBe(2);
			expect(out.stderr).toContain(
				"error USAGE --auth needs at least one token in WEFT_API_TOKENS",
			);
			expect(out.stderr).toContain('hint: set WEFT_API_TOKENS="name:token"');
			expect(out.stderr).not.toContain("listening");
			expect(existsSync(db)).toBe(false);
		},
		60_000,
	);

	it.each([
		["dev", "web:tok-web,admin::approver"],
		["serve", "web:tok-web,admin:"],
	])(
		"weft %s --auth with an entry of no token in WEFT_API_TOKENS (%j) is a USAGE error, not a token any blank header matches",
		async (command, tokens) => {
			// deploy probe, 7 Dec: `admin:$ADMIN_TOKEN:approver` with the variable unset served
			// `Authorization: Bearer <no-break space>` as admin
			const db = join(dir, `empty-token-${command}.db`);
			const out = await startWithAuth(command, db, tokens);
			expect(out.code).toBe(2);
			expect(out.stderr).toContain(
				"error USAGE WEFT_API_TOKENS entry 2 (admin) has no token",
			);
			expect(out.stderr).not.toContain("tok-web");
			expect(out.stderr).not.toContain("listening");
			expect(existsSync(db)).toBe(false);
		},
		60_000,
	);

	it.each([
		["--concurrency", "abc"],
		["--sweep-ms", "-5"],
		["--max-attempts", "0"],
	])(
		"weft worker %s %s is a USAGE error before anything connects",
		async (option, value) => {
			const out = await weft([
				"worker",
				"--postgres",
				"postgres://postgres@127.0.0.1:5432/weft_never_made",
				"--graph",
				`review=${graph}#graph`,
				option,
				value,
			]);
			expect(out.code).toBe(2);
			expect(out.stderr).toContain(
				`error USAGE ${option} must be a whole number of 1 or more, got "${value}"`,
			);
		},
		60_000,
	);

	it.each([
		["serve", "--shutdown-grace", "bogus"],
		["serve", "--heartbeat", "soon"],
		["serve", "--port", "abc"],
		["worker", "--shutdown-grace", "bogus"],
		["worker", "--run-timeout", "10 min"],
		// a bare number was milliseconds: `--run-timeout 600` meant for seconds timed every run out
		["worker", "--run-timeout", "600"],
		["serve", "--heartbeat", "15"],
		["worker", "--health-port", "abc"],
	])(
		"weft %s %s %s is a USAGE error before anything connects (Postgres away included)",
		async (command, option, value) => {
			// deploy probe, 7 Dec: these were read after connecting, so with Postgres down the operator
			// was told STORE_UNAVAILABLE (exit 1) about a flag mistyped
			const out = await weft([
				command,
				"--postgres",
				"postgres://postgres@127.0.0.1:1/weft_never_made",
				"--graph",
				`review=${graph}#graph`,
				option,
				value,
			]);
			expect(out.code).toBe(2);
			expect(out.stderr).toContain(`error USAGE ${option}`);
		},
		60_000,
	);

	it.each([
		["dev", "events", { ttlMs: 60_000 }],
		["serve", "maxRunsPerAsistant", 2],
	])(
		"weft %s refuses a weft.json key it does not know (%s) rather than ignore it",
		async (command, key, value) => {
			// found deploying from docs/deploy.md: "events": { … } in weft.json was silently ignored
			const config = join(dir, `weft-${command}.json`);
			writeFileSync(
				config,
				JSON.stringify({ graphs: { review: `${graph}#graph` }, [key]: value }),
			);
			const db = join(dir, `config-${command}.db`);
			const store =
				command === "dev"
					? ["--db", db]
					: [
							"--postgres",
							"postgres://postgres@127.0.0.1:5432/weft_never_made",
						];
			const out = await weft([
				...store,
				command,
				"--config",
				config,
				"--port",
				"0",
			]);
			expect(out.code).toBe(2);
			expect(out.stderr).toContain(
				`error USAGE ${config}: unknown key "${key}"`,
			);
			expect(out.stderr).toContain(
				"graphs, answerScope, maxRunsPerAssistant, runTimeoutMs, cors",
			);
			expect(out.stderr).not.toContain("listening");
			expect(existsSync(db)).toBe(false);
		},
		60_000,
	);

	it("weft studio on a taken port is the same USAGE error, in JSON too", async () => {
		// a store with one run in it, made by `weft run`
		const db = join(dir, "studio.db");
		const run = await weft([
			"--db",
			db,
			"run",
			`${graph}#echo`,
			"--input",
			'{"text":"hi"}',
		]);
		expect(run.code, run.stderr).toBe(0);
		const out = await weft([
			"--db",
			db,
			"--json",
			"studio",
			"--port",
			String(port),
		]);
		expect(out.code).toBe(2);
		expect(out.json.error).toMatchObject({
			code: "USAGE",
			message: expect.stringContaining(`port ${port} is in use`),
			hint: expect.stringContaining("--port 0"),
		});
	}, 60_000);

	it("weft studio refuses a database file that is not there, and does not make one", async () => {
		const typo = join(dir, "typo.db");
		// a server that starts anyway is stopped after 30 s, so the test fails on its output
		const out = await weft(["--db", typo, "studio", "--port", "0"], {
			timeoutMs: 30_000,
		});
		expect(out.code).toBe(2);
		expect(out.stderr).toContain(`error USAGE no database at ${typo}`);
		expect(out.stderr).toContain("hint:");
		expect(existsSync(typo)).toBe(false);
	}, 60_000);

	it("weft dev --help and weft mcp --help say how they take --graph, and dev names its store options", async () => {
		const dev = await weft(["dev", "--help"]);
		expect(dev.code).toBe(0);
		expect(dev.stdout).toMatch(
			/--graph <name=module#export>\s+a graph to serve/,
		);
		expect(dev.stdout).toContain("--db <file>");
		expect(dev.stdout).toContain("--postgres <url>");
		expect(dev.stdout).toContain(
			"weft dev --graph refund=./src/graph.ts#refund --db weft.db",
		);
		const mcp = await weft(["mcp", "--help"]);
		expect(mcp.stdout).toMatch(
			/--graph <name=module#export>\s+a graph to serve/,
		);
		// the program's own --graph says what it is for the commands that take it differently
		const top = await weft(["--help"]);
		expect(top.stdout.replace(/\s+/g, " ")).toContain(
			"dev, mcp, serve and worker: name=module#export",
		);
	}, 60_000);

	it.each(["serve", "worker"])(
		"weft %s --help names --graph, which it takes as dev does (found deploying from docs/deploy.md)",
		async (command) => {
			const help = await weft([command, "--help"]);
			expect(help.code).toBe(0);
			expect(help.stdout).toContain(`Graphs (before or after \`${command}\`):`);
			expect(help.stdout).toMatch(
				/--graph <name=module#export>\s+a graph to serve, as name/,
			);
		},
		60_000,
	);
});
