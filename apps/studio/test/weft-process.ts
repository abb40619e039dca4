import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(
	new URL("../../../packages/cli/src/main.ts", import.meta.url),
);
const root = fileURLToPath(new URL("../../../", import.meta.url));

/** A `weft …` server process on source, and the URL it printed once ready. */
export interface WeftProcess {
	url: string;
	stop(): Promise<number | null>;
}

export function startWeft(
	args: string[],
	env: Record<string, string> = {},
): Promise<WeftProcess> {
	const child: ChildProcess = spawn(
		process.execPath,
		["--conditions", "@weft/source", "--import", "tsx", main, ...args],
		{
			cwd: root,
			env: { ...process.env, NO_COLOR: "1", ...env },
			stdio: ["ignore", "pipe", "pipe"],
		},
	);
	let out = "";
	return new Promise((resolve, reject) => {
		const onData = (d: Buffer) => {
			out += d.toString();
			const m = /listening on (http:\/\/\S+)/.exec(out);
			if (m !== null)
				resolve({
					url: m[1]!,
					stop: () =>
						new Promise((done) => {
							if (child.exitCode !== null) return done(child.exitCode);
							child.once("exit", (code) => done(code));
							child.kill("SIGTERM");
						}),
				});
		};
		child.stdout!.on("data", onData);
		child.stderr!.on("data", onData);
		child.once("exit", (code) =>
			reject(new Error(`weft exited with ${code}:\n${out}`)),
		);
	});
}
