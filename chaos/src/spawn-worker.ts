// Starts worker.ts (or another script of this folder, bundled from source: see build-workers.ts) in a new
// node process, and follows it: ready, released, done or killed.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bundlePath, type WorkerScript } from "./build-workers.ts";
import type { WorkerJob, WorkerOutcome } from "./worker.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface ChildRun<T> {
	process: ChildProcess;
	/** Resolves when the child has opened its store. */
	ready: Promise<void>;
	/** Releases a child started with `waitForGo` (a worker: on `threadId`, when given). */
	go(threadId?: string): void;
	/** The child's last JSON line, or undefined when it was killed; rejects on another exit. */
	done: Promise<T | undefined>;
	/** What the child wrote to stderr so far. */
	stderr(): string;
}

export interface SpawnOptions {
	/** Extra node flags (e.g. `--import` of a preload). */
	nodeArgs?: string[];
	/** Killed with SIGKILL after this long (a hang fails instead of blocking the suite). */
	timeoutMs?: number;
	env?: NodeJS.ProcessEnv;
}

/** Runs a worker script (bundled from source by the suite's global setup) with args. */
export function spawnScript<T>(
	script: WorkerScript,
	args: string[],
	options: SpawnOptions = {},
): ChildRun<T> {
	const proc = spawn(
		process.execPath,
		[...(options.nodeArgs ?? []), bundlePath(script), ...args],
		{
			cwd: root,
			stdio: ["pipe", "pipe", "pipe"],
			env: options.env ?? process.env,
		},
	);
	let out = "";
	let err = "";
	let onReady: () => void = () => {};
	const ready = new Promise<void>((resolve) => {
		onReady = resolve;
	});
	proc.stdout!.on("data", (d) => {
		out += String(d);
	});
	proc.stderr!.on("data", (d) => {
		err += String(d);
		if (err.includes("ready\n")) onReady();
	});
	proc.stdin!.on("error", () => {});
	let timedOut = false;
	const timer =
		options.timeoutMs === undefined
			? undefined
			: setTimeout(() => {
					timedOut = true;
					proc.kill("SIGKILL");
				}, options.timeoutMs);
	const done = new Promise<T | undefined>((resolve, reject) => {
		proc.on("close", (code, signal) => {
			if (timer !== undefined) clearTimeout(timer);
			onReady();
			if (signal === "SIGKILL" && !timedOut) return resolve(undefined);
			if (code !== 0)
				return reject(
					new Error(
						`${script} exited ${code ?? signal}${timedOut ? " (timed out)" : ""}: ${err.slice(-2000)}`,
					),
				);
			const line = out.trim().split("\n").at(-1);
			resolve(
				line === undefined || line === "" ? undefined : (JSON.parse(line) as T),
			);
		});
	});
	return {
		process: proc,
		ready,
		go: (threadId) => {
			proc.stdin!.write(threadId === undefined ? "go\n" : `go ${threadId}\n`);
		},
		done,
		stderr: () => err,
	};
}

/** Runs one worker job in a new process. */
export function spawnWorker(
	job: WorkerJob,
	options: SpawnOptions = {},
): ChildRun<WorkerOutcome> {
	return spawnScript<WorkerOutcome>("worker", [JSON.stringify(job)], {
		timeoutMs: 60_000,
		...options,
	});
}
