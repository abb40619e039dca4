// `weft serve` on SIGTERM with a runs.wait (or a cancel that waits) still open on a run that goes on past the
// grace: the request is ended after the grace and the process exits 0. The server soak
// (chaos/test/server-soak.test.ts) found it running on for good: the join's loop, whose client the stopping
// server had cut off, polled the run every second on the closed records, never saw it end and kept the
// process alive.
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const graphs = fileURLToPath(
	new URL("./fixtures/worker-graphs.ts", import.meta.url),
);
const graphArgs = ["--graph", `steps=${graphs}#steps`];
const available = await postgresAvailable();

let db: Awaited<ReturnType<typeof freshDatabase>>;
let worker: WeftProcess;
const apis: WeftProcess[] = [];

const startApi = () =>
	startProcess(
		[
			"serve",
			"--postgres",
			db.url,
			...graphArgs,
			"--port",
			"0",
			"--shutdown-grace",
			"1s",
		],
		/listening on (http:\/\/[^\s]+)/,
	);

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("serve_sigterm_wait");
	worker = await startProcess(
		["worker", "--postgres", db.url, ...graphArgs],
		/weft worker: ready/,
	);
}, 60_000);

afterAll(async () => {
	if (!available) return;
	await Promise.all([worker, ...apis].map((p) => p?.stop("SIGKILL")));
	await db?.drop();
}, 30_000);

/** The exit code, or "running" when the process has not exited 15 s after SIGTERM (grace: 1 s). */
async function stopped(api: WeftProcess): Promise<number | null | "running"> {
	let timer: NodeJS.Timeout | undefined;
	const code = await Promise.race([
		api.stop("SIGTERM"),
		new Promise<"running">((r) => {
			timer = setTimeout(() => r("running"), 15_000);
		}),
	]);
	clearTimeout(timer);
	return code;
}

describe.skipIf(!available)("weft serve, SIGTERM with a wait open", () => {
	it.each(["runs.wait", "runs.cancel with wait"])(
		"%s open past the grace: the request ends, the process exits 0",
		async (how) => {
			const api = await startApi();
			apis.push(api);
			const client = new Client({
				apiUrl: api.match[1]!,
				callerOptions: { maxRetries: 0 },
			});
			const thread = await client.threads.create();
			// a run of ~30 s: it is still running when the grace is over
			const run = await client.runs.create(thread.thread_id, "steps", {
				input: { n: 100 },
			});
			while (
				(await client.runs.get(thread.thread_id, run.run_id)).status !==
				"running"
			)
				await new Promise((r) => setTimeout(r, 100));
			// for the cancel, the run's worker is paused: the cancel waits for a run that does not stop
			if (how !== "runs.wait") worker.child.kill("SIGSTOP");
			const open =
				how === "runs.wait"
					? client.runs.join(thread.thread_id, run.run_id)
					: client.runs.cancel(thread.thread_id, run.run_id, true);
			const settled = open.then(
				() => "answered",
				() => "cut off",
			);
			await new Promise((r) => setTimeout(r, 500));
			try {
				expect(await stopped(api)).toBe(0);
			} finally {
				worker.child.kill("SIGCONT");
			}
			expect(await settled).toBe("cut off");
		},
		60_000,
	);
});
