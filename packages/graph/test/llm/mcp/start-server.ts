import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const SERVER = fileURLToPath(
	new URL("./test-server.mjs", import.meta.url),
);

/** Starts the test server over HTTP on loopback (with `args`); returns its URL and a stop function. */
export async function startHttpServer(args: readonly string[] = []): Promise<{
	url: string;
	stop: () => Promise<void>;
}> {
	const child: ChildProcess = spawn(
		process.execPath,
		[SERVER, "--http", ...args],
		{
			stdio: ["ignore", "pipe", "pipe"],
		},
	);
	const port = await new Promise<number>((resolve, reject) => {
		let out = "";
		child.stdout!.on("data", (c: Buffer) => {
			out += c.toString();
			const m = /listening (\d+)/.exec(out);
			if (m) resolve(Number(m[1]));
		});
		child.on("exit", (code) =>
			reject(new Error(`test server exited with ${code}`)),
		);
	});
	return {
		url: `http://127.0.0.1:${port}/mcp`,
		stop: () =>
			new Promise((resolve) => {
				if (child.exitCode !== null || child.signalCode !== null)
					return resolve();
				child.once("exit", () => resolve());
				child.kill();
			}),
	};
}
