// The servers the clients run against: `weft dev` (SQLite, in process), `weft serve` + N `weft worker`
// (Postgres), and `langgraph dev` (LangGraph's open-source API server, in memory). Each is started as
// users start it, on loopback, and stopped at the end; the CPU each process used is read from /proc.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import {
	freshDatabase,
	startProcess,
	type WeftProcess,
} from "../../../packages/server/test/fixtures/processes.ts";
import { GRAPH } from "./load.ts";
import { S1_GRAPH } from "./s1.ts";

const here = import.meta.dirname;
const weftGraph = `${GRAPH}=${join(here, "weft-graph.ts")}#w3`;
/** The `--graph` flags of every Weft process: the W3 loop (`export` of weft-graph.ts) and S1's graph. */
const graphFlags = (w3: string) => [
	"--graph",
	w3,
	"--graph",
	`${S1_GRAPH}=${join(here, "weft-graph.ts")}#s1`,
];

/**
 * How the weft processes start: from the source through tsx (the tests' way; the default here), or the
 * built CLI as a deployment runs it (`pnpm bench --server` builds it and asks for it; `--source` keeps the
 * source). Either way tsx loads the graph module, which is TypeScript.
 */
const SOURCE = {
	main: join(here, "../../../packages/cli/src/main.ts"),
	source: true,
};
let entry: { main: string; source: boolean } = SOURCE;
export function runWeftFrom(from: "dist" | "source"): void {
	entry =
		from === "dist"
			? {
					main: join(here, "../../../packages/cli/dist/main.js"),
					source: false,
				}
			: SOURCE;
}
const LISTENING = /listening on (http:\/\/[^\s]+)/;

/** A process group's CPU time in seconds (every process whose group is `pgid`, or the pids given). */
export type CpuProbe = () => number;

const TICK = 100;

function statOf(
	pid: string,
): { ppid: number; pgrp: number; cpu: number } | undefined {
	try {
		const s = readFileSync(`/proc/${pid}/stat`, "utf8");
		const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
		return {
			ppid: Number(f[1]),
			pgrp: Number(f[2]),
			cpu: (Number(f[11]) + Number(f[12])) / TICK,
		};
	} catch {
		return undefined;
	}
}

const pids = () => readdirSync("/proc").filter((p) => /^\d+$/.test(p));

/** CPU seconds of a process and all its descendants. */
export function treeCpu(root: number): number {
	const all = new Map<number, { ppid: number; cpu: number }>();
	for (const p of pids()) {
		const s = statOf(p);
		if (s !== undefined) all.set(Number(p), s);
	}
	let total = 0;
	const stack = [root];
	while (stack.length > 0) {
		const pid = stack.pop()!;
		total += all.get(pid)?.cpu ?? 0;
		for (const [child, s] of all) if (s.ppid === pid) stack.push(child);
	}
	return total;
}

/** CPU seconds of Postgres for one database: its backends plus the server's own background processes. */
export function postgresCpu(database: string): number {
	let total = 0;
	for (const p of pids()) {
		let cmd: string;
		try {
			cmd = readFileSync(`/proc/${p}/cmdline`, "utf8");
		} catch {
			continue;
		}
		if (!cmd.startsWith("postgres:")) continue;
		// a client backend reads "postgres: user db host(port) state"; background ones name no host
		const backend = /\d+\.\d+\.\d+\.\d+\(\d+\)|\[local\]/.test(cmd);
		if (backend && !cmd.includes(` ${database} `)) continue;
		total += statOf(p)?.cpu ?? 0;
	}
	return total;
}

/** A running target: its URL, the CPU probes of its processes, and how to stop it. */
export interface Target {
	name: string;
	url: string;
	cpu: Record<string, () => number>;
	stop(): Promise<void>;
	/** For the kill phase: the worker processes, and how to start one more. */
	workers?: WeftProcess[];
	/** The API process (`weft serve`). */
	api?: WeftProcess;
	startWorker?: () => Promise<WeftProcess>;
	databaseUrl?: string;
}

export async function weftDev(): Promise<Target> {
	const dir = mkdtempSync(join(tmpdir(), "weft-bench-dev-"));
	const p = await startProcess(
		[
			"--db",
			join(dir, "weft.db"),
			"dev",
			...graphFlags(weftGraph),
			"--port",
			"0",
		],
		LISTENING,
		{},
		entry,
	);
	const pid = p.child.pid!;
	return {
		name: "weft dev (SQLite, in process)",
		url: p.match[1]!,
		cpu: { api: () => treeCpu(pid) },
		async stop() {
			await p.stop();
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

export interface ServeOptions {
	workers: number;
	concurrency: number;
	dbPrefix: string;
	/** Export of weft-graph.ts to serve (`w3Kill` has a short lease, for the kill phase). */
	graphExport?: string;
	env?: Record<string, string>;
	/**
	 * Evidence only, not a recommended setting: the database's `synchronous_commit = off`, so that commits
	 * stop waiting for the disk flush (a Postgres crash could then lose the last committed steps).
	 */
	asyncCommit?: boolean;
}

export async function weftServe(o: ServeOptions): Promise<Target> {
	const db = await freshDatabase(o.dbPrefix);
	const graph = `${GRAPH}=${join(here, "weft-graph.ts")}#${o.graphExport ?? "w3"}`;
	const database = db.url.slice(db.url.lastIndexOf("/") + 1);
	if (o.asyncCommit === true) {
		const c = new pg.Client({ connectionString: db.url });
		await c.connect();
		await c.query(`ALTER DATABASE "${database}" SET synchronous_commit = off`);
		await c.end();
	}
	const api = await startProcess(
		["serve", "--postgres", db.url, ...graphFlags(graph), "--port", "0"],
		LISTENING,
		o.env,
		entry,
	);
	const startWorker = () =>
		startProcess(
			[
				"worker",
				"--postgres",
				db.url,
				...graphFlags(graph),
				"--concurrency",
				String(o.concurrency),
				"--sweep-ms",
				"500",
			],
			/weft worker: ready/,
			o.env,
			entry,
		);
	const workers = await Promise.all(
		Array.from({ length: o.workers }, startWorker),
	);
	const cpu: Record<string, () => number> = {
		api: () => treeCpu(api.child.pid!),
	};
	workers.forEach((w, i) => {
		cpu[`worker ${i + 1}`] = () => treeCpu(w.child.pid!);
	});
	cpu.postgres = () => postgresCpu(database);
	return {
		name: `weft serve + ${o.workers} worker${o.workers > 1 ? "s" : ""} (Postgres${o.asyncCommit === true ? ", synchronous_commit off" : ""})`,
		url: api.match[1]!,
		cpu,
		workers,
		api,
		startWorker,
		databaseUrl: db.url,
		async stop() {
			await Promise.all(workers.map((w) => w.stop()));
			await api.stop();
			await db.drop();
		},
	};
}

const langgraphDir = join(here, "langgraph");
const langgraphBin = join(here, "../../node_modules/.bin/langgraphjs");

/** `langgraph dev` (@langchain/langgraph-cli): the in-memory API server, its default 10 jobs per worker. */
export async function langgraphDev(port: number): Promise<Target> {
	rmSync(join(langgraphDir, ".langgraph_api"), {
		recursive: true,
		force: true,
	});
	const child: ChildProcess = spawn(
		langgraphBin,
		[
			"dev",
			"--port",
			String(port),
			"--host",
			"127.0.0.1",
			"--no-browser",
			"--no-reload",
		],
		{
			cwd: langgraphDir,
			detached: true,
			env: {
				...process.env,
				NO_COLOR: "1",
				LANGSMITH_TRACING: "false",
				LANGCHAIN_TRACING_V2: "false",
			},
			stdio: ["ignore", "pipe", "pipe"],
		},
	);
	let out = "";
	await new Promise<void>((resolve, reject) => {
		const onData = (chunk: Buffer) => {
			out += chunk.toString();
			if (out.includes("Server running at")) resolve();
		};
		child.stdout!.on("data", onData);
		child.stderr!.on("data", onData);
		child.once("exit", (code) =>
			reject(new Error(`langgraph dev exited (${code}):\n${out}`)),
		);
	});
	const exited = new Promise<void>((r) => child.once("exit", () => r()));
	const pid = child.pid!;
	return {
		name: "langgraph dev (in memory)",
		url: `http://127.0.0.1:${port}`,
		cpu: { api: () => treeCpu(pid) },
		async stop() {
			try {
				process.kill(-pid, "SIGTERM");
			} catch {}
			await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
			try {
				process.kill(-pid, "SIGKILL");
			} catch {}
			rmSync(join(langgraphDir, ".langgraph_api"), {
				recursive: true,
				force: true,
			});
		},
	};
}

/** The whole machine's CPU time so far (busy and total, in ticks), from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
	const f = readFileSync("/proc/stat", "utf8")
		.split("\n")[0]!
		.trim()
		.split(/\s+/)
		.slice(1)
		.map(Number);
	const total = f.reduce((a, b) => a + b, 0);
	const idle = (f[3] ?? 0) + (f[4] ?? 0);
	return { busy: total - idle, total };
}
