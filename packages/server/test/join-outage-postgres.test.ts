// A client joined to a running run's stream while the database goes away (`weft serve` + `weft worker`
// on Postgres, the database refusing connections and its sessions ended): the stream ends with an `error`
// event that says to join again with Last-Event-ID, and a client that does so once the database is back
// gets every event it missed, then the run's end (decision 0242 checked it).
import { fileURLToPath } from "node:url";
import { Client } from "@langchain/langgraph-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	databaseSwitch,
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
const processes: WeftProcess[] = [];
const cleanups: Array<() => Promise<unknown>> = [];
let client: Client;

beforeAll(async () => {
	if (!available) return;
	db = await freshDatabase("server_left_join_outage");
	processes.push(
		await startProcess(
			["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
			/listening on (http:\/\/[^\s]+)/,
		),
	);
	processes.push(
		await startProcess(
			["worker", "--postgres", db.url, ...graphArgs, "--sweep-ms", "500"],
			/weft worker: ready/,
		),
	);
	client = new Client({
		apiUrl: processes[0]!.match[1]!,
		callerOptions: { maxRetries: 0 },
	});
}, 60_000);
afterAll(async () => {
	for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
	await Promise.all(processes.map((p) => p.stop("SIGKILL")));
	await db?.drop();
}, 30_000);

interface Part {
	id?: string | undefined;
	event: string;
	data: any;
}

describe.skipIf(!available)("a joined stream while Postgres is away", () => {
	it("ends with an error saying to re-join; re-joined with Last-Event-ID once it is back, it misses nothing", async () => {
		const thread = await client.threads.create();
		const T = thread.thread_id;
		const run = await client.runs.create(T, "steps", {
			input: { n: 20 },
			streamMode: ["values"],
		});
		const database = await databaseSwitch(db.url);
		cleanups.push(() => database.end());

		const first: Part[] = [];
		for await (const p of client.runs.joinStream(T, run.run_id, {
			streamMode: ["values"],
		})) {
			first.push(p as Part);
			// the outage starts once the run is well under way
			if (p.event === "values" && (p.data as { i: number }).i === 3)
				await database.refuse();
		}
		const error = first.at(-1)!;
		expect(error.event).toBe("error");
		expect(error.data).toMatchObject({ error: "STORE_UNAVAILABLE" });
		expect(error.data.message).toContain(
			`join the run again with Last-Event-ID ${error.id}`,
		);
		const seen = first.filter((p) => p.event === "values");
		expect(Number(error.id)).toBeGreaterThanOrEqual(Number(seen.at(-1)!.id));

		await database.allow();
		const again: Part[] = [];
		for await (const p of client.runs.joinStream(T, run.run_id, {
			streamMode: ["values"],
			lastEventId: error.id!,
		}))
			again.push(p as Part);
		expect(again.filter((p) => p.event === "error")).toEqual([]);
		expect(again.at(-1)!.data).toMatchObject({ i: 20 });

		// every event after the one the error named, as a join from the start reads them now
		const all: Part[] = [];
		for await (const p of client.runs.joinStream(T, run.run_id, {
			streamMode: ["values"],
		}))
			all.push(p as Part);
		const missed = all.filter(
			(p) => p.event === "values" && Number(p.id) > Number(error.id),
		);
		expect(again.filter((p) => p.event === "values")).toEqual(missed);
		expect((await client.runs.get(T, run.run_id)).status).toBe("success");
	}, 120_000);
});
