// The kill phase: `weft serve` + 3 workers under the clients' load; two workers are SIGKILLed at different
// moments and replaced. Counts runs lost, node steps committed twice (thread history), `ctx.once` effects
// of committed steps that ran again, and update events lost or repeated in the clients' streams.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { load, newClient } from "./load.ts";
import { weftServe } from "./targets.ts";

export interface KillOptions {
	clients: number;
	seconds: number;
	turns: number;
	concurrency: number;
	dbPrefix: string;
}

export interface KillResult {
	killed: number;
	runs: number;
	taken_over: number;
	runs_lost: number;
	steps_duplicated: number;
	committed_effects_repeated: number;
	inflight_effects_rerun: number;
	events_lost: number;
	events_duplicated: number;
	/** Runs whose stream missed an update (of a step committed just before its worker died). */
	runs_missing_events: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function kill(o: KillOptions): Promise<KillResult> {
	const effects = join(tmpdir(), `weft-bench-effects-${process.pid}`);
	writeFileSync(effects, "");
	const target = await weftServe({
		workers: 3,
		concurrency: o.concurrency,
		dbPrefix: o.dbPrefix,
		graphExport: "w3Kill",
		env: { WEFT_BENCH_EFFECTS: effects },
	});
	process.stderr.write(`kill phase: ${target.url}\n`);
	const workers = target.workers!;
	try {
		const running = load(target.url, o.clients, o.seconds, o.turns);
		let killed = 0;
		const killedPids: number[] = [];
		const db = new pg.Client({ connectionString: target.databaseUrl });
		await db.connect();
		// a worker running a run now: the owner (`host:pid:…`) of a live thread lease
		const busyWorker = async () => {
			for (let i = 0; i < 100; i++) {
				const { rows } = await db.query(
					"SELECT lease_owner FROM weft.threads WHERE lease_owner IS NOT NULL AND lease_expires > now()",
				);
				const pids = new Set(
					rows.map((r: { lease_owner: string }) =>
						Number(r.lease_owner.split(":")[1]),
					),
				);
				const w = workers.find((w) => pids.has(w.child.pid!));
				if (w !== undefined) return w;
				await sleep(20);
			}
			return workers[0]!;
		};
		let at = 0;
		for (const next of [0.25, 0.55]) {
			await sleep(o.seconds * 1000 * (next - at));
			at = next;
			const victim = await busyWorker();
			killedPids.push(victim.child.pid!);
			await victim.stop("SIGKILL");
			workers.splice(workers.indexOf(victim), 1);
			killed++;
			workers.push(await target.startWorker!());
		}
		const result = await running;
		await db.end();

		const client = newClient(target.url);
		let runsLost = 0;
		let stepsDuplicated = 0;
		let takenOver = 0;
		for (const t of result.traces) {
			const run =
				t.runId === undefined
					? undefined
					: await client.runs.get(t.threadId, t.runId);
			// lost: the run did not end in success (a stream that misses an update is counted below)
			if (t.error !== undefined || run?.status !== "success") {
				runsLost++;
				process.stderr.write(
					`  lost run ${t.runId} (thread ${t.threadId}): status ${run?.status}, ${JSON.stringify(t.error ?? null)}, ${t.attempts} attempts seen\n`,
				);
			}
			const history = await client.threads.getHistory(t.threadId, {
				limit: 100,
			});
			const steps = history.map((h) => h.metadata?.step);
			stepsDuplicated += steps.length - new Set(steps).size;
			if (t.attempts > 1) takenOver++;
		}
		// an effect that ran again is excused only where every earlier run of it was on a worker killed
		// afterwards (its step was in flight, not committed); any other repeat is a committed effect repeated
		const dead = new Set(killedPids);
		const runners = new Map<string, string[]>();
		for (const line of readFileSync(effects, "utf8").split("\n")) {
			if (line === "") continue;
			const [thread, call, pid] = line.split(" ");
			const key = `${thread} ${call}`;
			runners.set(key, [...(runners.get(key) ?? []), pid!]);
		}
		let repeated = 0;
		let inflight = 0;
		for (const pids of runners.values()) {
			if (pids.length < 2) continue;
			if (pids.slice(0, -1).every((p) => dead.has(Number(p)))) inflight++;
			else repeated++;
		}
		return {
			killed,
			runs: result.runs,
			taken_over: takenOver,
			runs_lost: runsLost,
			steps_duplicated: stepsDuplicated,
			committed_effects_repeated: repeated,
			inflight_effects_rerun: inflight,
			events_lost: result.events_lost,
			events_duplicated: result.events_duplicated,
			runs_missing_events: result.traces.filter((t) => t.lost > 0).length,
		};
	} finally {
		await target.stop();
		rmSync(effects, { force: true });
	}
}
