import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import {
	bundledEnv,
	bundledScript,
} from "../../../../test-setup/bundle-script.ts";

const child = fileURLToPath(new URL("./durable-child.ts", import.meta.url));
const root = fileURLToPath(new URL("../../../../", import.meta.url));

export interface ChildRun {
	process: ChildProcess;
	/** Resolves when the child has opened its store and starts running. */
	ready: Promise<void>;
	/** Resolves with the child's JSON line (undefined if it was killed first). */
	done: Promise<Record<string, unknown> | undefined>;
}

/** Starts durable-child.ts in a new node process (its bundle of the source: test-setup/bundle-script.ts). */
export function runChild(
	args: string[],
	env: Record<string, string> = {},
): ChildRun {
	const proc = spawn(process.execPath, [bundledScript(child), ...args], {
		cwd: root,
		env: bundledEnv({ ...process.env, ...env }),
		stdio: ["ignore", "pipe", "pipe"],
	});
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
	const done = new Promise<Record<string, unknown> | undefined>(
		(resolve, reject) => {
			proc.on("close", (code, signal) => {
				onReady();
				if (signal === "SIGKILL") return resolve(undefined);
				if (code !== 0)
					return reject(new Error(`child exited ${code}: ${err}`));
				const line = out.trim().split("\n").at(-1);
				resolve(
					line === undefined || line === ""
						? undefined
						: (JSON.parse(line) as Record<string, unknown>),
				);
			});
		},
	);
	return { process: proc, ready, done };
}
