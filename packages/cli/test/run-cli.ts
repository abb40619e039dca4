import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { root, weftCommand } from "../../../test-setup/weft-cli.ts";

export {
	damageNewestCheckpoint,
	makeFirstCheckpointItsOwnParent,
} from "../../../test-setup/damage-row.ts";
export { RawSqlite } from "../../../test-setup/raw-sqlite.ts";
export {
	root,
	sourceScriptCommand,
	weftCommand,
} from "../../../test-setup/weft-cli.ts";

export interface CliResult {
	code: number;
	stdout: string;
	stderr: string;
	json: any;
}

/** Runs `weft …` in its own process (the built CLI) and resolves with its exit code and output. */
export function weft(
	args: string[],
	options: {
		cwd?: string;
		env?: Record<string, string | undefined>;
		timeoutMs?: number;
		/** Run as this user and group id (a test run as root sees permissions as another user does). */
		uid?: number;
	} = {},
): Promise<CliResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(weftCommand[0]!, [...weftCommand.slice(1), ...args], {
			cwd: options.cwd ?? root,
			env: { ...process.env, NO_COLOR: "1", ...options.env },
			stdio: ["ignore", "pipe", "pipe"],
			...(options.uid === undefined
				? {}
				: { uid: options.uid, gid: options.uid }),
		});
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (d: Buffer) => {
			stdout += d;
		});
		child.stderr.on("data", (d: Buffer) => {
			stderr += d;
		});
		const timer = setTimeout(
			() => child.kill("SIGKILL"),
			options.timeoutMs ?? 120_000,
		);
		child.on("error", reject);
		child.on("close", (code) => {
			clearTimeout(timer);
			let json: unknown;
			try {
				json = JSON.parse(stdout);
			} catch {
				json = undefined;
			}
			resolve({ code: code ?? -1, stdout, stderr, json });
		});
	});
}

/** `weft()` for tests that want the result at once (blocks the test worker while the process runs). */
export function weftSync(
	args: string[],
	options: { cwd?: string; env?: Record<string, string> } = {},
): CliResult {
	const r = spawnSync(weftCommand[0]!, [...weftCommand.slice(1), ...args], {
		cwd: options.cwd ?? root,
		encoding: "utf8",
		env: { ...process.env, NO_COLOR: "1", ...options.env },
		timeout: 120_000,
	});
	let json: unknown;
	try {
		json = JSON.parse(r.stdout);
	} catch {
		json = undefined;
	}
	return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, json };
}

/** A `weft run` in its own process, once it has printed its thread (see `startRun`). */
export interface StartedRun {
	child: ReturnType<typeof spawn>;
	/** Its stdout and stderr so far, interleaved. */
	output(): string;
	/** Its exit code, once it closes. */
	closed: Promise<number | null>;
}

/**
 * Starts `weft run <module> --thread <thread>` on the store `db` names, in its own process, and resolves
 * once it says which thread it runs on. `release`: the file whose creation lets a node of the test
 * graphs end (`WEFT_TTY_RELEASE`).
 */
export async function startRun(
	db: readonly string[],
	module: string,
	thread: string,
	release: string,
): Promise<StartedRun> {
	const child = spawn(
		weftCommand[0]!,
		[...weftCommand.slice(1), ...db, "run", module, "--thread", thread],
		{
			cwd: root,
			env: { ...process.env, NO_COLOR: "1", WEFT_TTY_RELEASE: release },
			stdio: ["ignore", "pipe", "pipe"],
		},
	);
	const closed = new Promise<number | null>((resolve) =>
		child.on("close", (code) => resolve(code)),
	);
	let out = "";
	child.stdout.on("data", (d: Buffer) => {
		out += d;
	});
	child.stderr.on("data", (d: Buffer) => {
		out += d;
	});
	while (!out.includes("on thread"))
		await new Promise((r) => setTimeout(r, 50));
	return { child, output: () => out, closed };
}

/**
 * Runs `fn` while a `weft run` of the slow test graph (in another process) holds `thread` in the store
 * `db` names, then lets that run end: a busy thread, as another terminal meets it. `dir`: where the file
 * that releases the run is written.
 */
export async function whileBusy<T>(
	db: readonly string[],
	thread: string,
	dir: string,
	fn: () => Promise<T>,
): Promise<T> {
	const slow = join(root, "packages/cli/test/fixtures/slow-graph.ts");
	const release = join(dir, `release-${thread}`);
	const run = await startRun(db, slow, thread, release);
	await new Promise((r) => setTimeout(r, 1000));
	try {
		return await fn();
	} finally {
		writeFileSync(release, "");
		await run.closed;
	}
}
