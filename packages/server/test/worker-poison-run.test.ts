// A run whose node kills its worker every time (an out-of-memory kill, a native crash): each worker that
// takes it over dies too. It used to be taken over for ever, killing every worker in turn; after
// `--max-attempts` lost workers (default 5) the sweep ends it `error` instead, and the workers live on.
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterEach, describe, expect, it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
	type WeftProcess,
} from "./fixtures/processes.ts";

const graphs = fileURLToPath(
	new URL("./fixtures/worker-graphs.ts", import.meta.url),
);
const graphArgs = [
	"--graph",
	`crash=${graphs}#crash`,
	"--graph",
	`steps=${graphs}#steps`,
];
const available = await postgresAvailable();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
}, 30_000);

describe.skipIf(!available)("a run that kills every worker it runs on", () => {
	it("ends error after --max-attempts lost workers; the next worker lives and runs other runs", async ({
		onTestFailed,
	}) => {
		const db = await freshDatabase("poison");
		cleanups.push(() => db.drop());
		const api = await startProcess(
			["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
			/listening on (http:\/\/[^\s]+)/,
		);
		const workers: WeftProcess[] = [];
		cleanups.push(async () => {
			await Promise.all([api, ...workers].map((p) => p.stop("SIGKILL")));
		});
		onTestFailed(() => {
			for (const p of [api, ...workers])
				process.stderr.write(`--- ${p.child.pid}\n${p.output()}\n`);
		});
		const startWorker = async () => {
			const w = await startProcess(
				[
					"worker",
					"--postgres",
					db.url,
					...graphArgs,
					"--sweep-ms",
					"200",
					"--max-attempts",
					"2",
				],
				/weft worker: ready/,
			);
			workers.push(w);
			return w;
		};
		const client = new Client({
			apiUrl: api.match[1]!,
			callerOptions: { maxRetries: 0 },
		});
		const thread = await client.threads.create();
		const run = await client.runs.create(thread.thread_id, "crash", {
			input: {},
		});
		// queued behind it on its thread: started when the poison run is failed
		const behind = await client.runs.create(thread.thread_id, "crash", {
			input: { spare: true },
			multitaskStrategy: "enqueue",
		});
		// a supervisor: a worker that died is replaced, until the run has ended
		let status = "pending";
		for (let i = 0; i < 20 && ["pending", "running"].includes(status); i++) {
			const w = workers.at(-1);
			if (
				w === undefined ||
				w.child.exitCode !== null ||
				w.child.signalCode !== null
			)
				await startWorker();
			await new Promise((r) => setTimeout(r, 500));
			status = (await client.runs.get(thread.thread_id, run.run_id)).status;
		}
		expect(status).toBe("error");
		const died = workers.filter((w) => w.child.signalCode === "SIGKILL");
		expect(died).toHaveLength(2);
		const out = (await client.runs.join(thread.thread_id, run.run_id)) as {
			__error__?: { error: string; message: string };
		};
		expect(out.__error__?.error).toBe("NODE_FAILED");
		expect(out.__error__?.message).toMatch(/worker .*2 times/);
		// the worker alive now runs the run queued behind it on the thread (its lease has lapsed), and others
		expect(
			await client.runs.join(thread.thread_id, behind.run_id),
		).toMatchObject({
			done: true,
			spare: true,
		});
		expect(
			(await client.runs.get(thread.thread_id, behind.run_id)).status,
		).toBe("success");
		const live = workers.at(-1)!;
		expect(live.child.exitCode).toBeNull();
		expect(live.child.signalCode).toBeNull();
		const other = await client.threads.create();
		expect(
			await client.runs.wait(other.thread_id, "steps", { input: { n: 1 } }),
		).toMatchObject({ i: 1 });
	}, 120_000);
});
