// The server's gauges (issue 13): runs in flight, queue depth and lease age, read by the SDK's metric
// reader from a server started here, in process (weft dev's executor) and on Postgres (serve + worker).
import { Client } from "@langchain/langgraph-sdk";
import { metrics } from "@opentelemetry/api";
import {
	type DataPoint,
	MeterProvider,
	MetricReader,
} from "@opentelemetry/sdk-metrics";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openPostgresRecords, serve, startWorker } from "../src/index.ts";
import { slow } from "./fixtures/graphs.ts";
import { freshDatabase, postgresAvailable } from "./fixtures/processes.ts";

class TestReader extends MetricReader {
	protected override async onShutdown(): Promise<void> {}
	protected override async onForceFlush(): Promise<void> {}
}

let reader: TestReader;
let provider: MeterProvider;
beforeAll(() => {
	reader = new TestReader();
	provider = new MeterProvider({ readers: [reader] });
	metrics.setGlobalMeterProvider(provider);
});
afterAll(async () => {
	await provider.shutdown();
	metrics.disable();
});

/** The data points of each gauge of the server, by name. */
async function gauges(): Promise<Record<string, DataPoint<number>[]>> {
	const { resourceMetrics, errors } = await reader.collect();
	expect(errors).toEqual([]);
	const out: Record<string, DataPoint<number>[]> = {};
	for (const scope of resourceMetrics.scopeMetrics)
		if (scope.scope.name === "@weft/server")
			for (const m of scope.metrics)
				out[m.descriptor.name] = m.dataPoints as DataPoint<number>[];
	return out;
}

const pointOf = (
	points: DataPoint<number>[] | undefined,
	graph: string,
): number =>
	points?.find((p) => p.attributes["weft.graph"] === graph)?.value ?? 0;

async function waitFor(
	check: () => Promise<boolean>,
	ms = 15_000,
): Promise<void> {
	const until = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > until) throw new Error("timed out");
		await new Promise((r) => setTimeout(r, 50));
	}
}

describe("server gauges, runs executed in process (weft dev)", () => {
	it("count the running and the waiting runs by graph, and age the oldest held lease", async () => {
		const checkpointer = new MemoryCheckpointer();
		const server = await serve({
			graphs: { slow },
			checkpointer,
			port: 0,
			studio: false,
		});
		const client = new Client({ apiUrl: `http://127.0.0.1:${server.port}` });
		try {
			const idle = await gauges();
			expect(pointOf(idle["weft.server.runs.in_flight"], "slow")).toBe(0);
			expect(idle["weft.server.lease.age"]?.[0]?.value).toBe(0);

			const thread = await client.threads.create();
			const first = await client.runs.create(thread.thread_id, "slow", {
				input: { ms: 60_000 },
			});
			// a second run on the busy thread waits behind the first
			const second = await client.runs.create(thread.thread_id, "slow", {
				input: { ms: 1 },
				multitaskStrategy: "enqueue",
			});
			await waitFor(
				async () =>
					(await checkpointer.getThread(thread.thread_id))?.lease != null,
			);
			await new Promise((r) => setTimeout(r, 200));
			const busy = await gauges();
			expect(pointOf(busy["weft.server.runs.in_flight"], "slow")).toBe(1);
			expect(pointOf(busy["weft.server.queue.depth"], "slow")).toBe(1);
			expect(busy["weft.server.lease.age"]![0]!.value).toBeGreaterThan(0.1);

			await client.runs.cancel(thread.thread_id, first.run_id, true);
			await client.runs.join(thread.thread_id, second.run_id);
			const after = await gauges();
			expect(pointOf(after["weft.server.runs.in_flight"], "slow")).toBe(0);
			expect(pointOf(after["weft.server.queue.depth"], "slow")).toBe(0);
			expect(after["weft.server.lease.age"]![0]!.value).toBe(0);
		} finally {
			await server.close();
		}
	}, 30_000);
});

/** graphile-worker logs to the console (in the CLI, to the worker's output): its lines are let through. */
function quietGraphileWorker(): void {
	for (const m of ["info", "warn"] as const) {
		// biome-ignore lint/suspicious/noConsole: the test setup's spy, wrapped to let graphile-worker's lines through
		const spy = vi.mocked(console[m]);
		const record = spy.getMockImplementation();
		spy.mockImplementation((...args: unknown[]) => {
			const first = String(args[0]);
			if (first.startsWith("[%s%s]") || first.startsWith("Your pool")) return;
			record?.(...args);
		});
	}
}

const available = await postgresAvailable();

describe.skipIf(!available)(
	"server gauges, weft serve and a worker on Postgres",
	() => {
		let db: Awaited<ReturnType<typeof freshDatabase>>;
		beforeAll(async () => {
			db = await freshDatabase("otel_gauges");
		});
		afterAll(async () => {
			await db?.drop();
		});

		it("read the queued and running runs from the records every process shares", async () => {
			quietGraphileWorker();
			const checkpointer = await PostgresCheckpointer.connect({
				connectionString: db.url,
			});
			const records = await openPostgresRecords(db.url);
			const server = await serve({
				graphs: { slow },
				checkpointer,
				records,
				queue: true,
				port: 0,
				studio: false,
			});
			const client = new Client({ apiUrl: `http://127.0.0.1:${server.port}` });
			let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
			try {
				const threads = await Promise.all([
					client.threads.create(),
					client.threads.create(),
				]);
				const runs = await Promise.all(
					threads.map((t) =>
						client.runs.create(t.thread_id, "slow", { input: { ms: 60_000 } }),
					),
				);
				// no worker yet: both wait in the queue
				await waitFor(async () => {
					const g = await gauges();
					return pointOf(g["weft.server.queue.depth"], "slow") === 2;
				});
				const queued = await gauges();
				expect(pointOf(queued["weft.server.queue.depth"], "slow")).toBe(2);
				expect(pointOf(queued["weft.server.runs.in_flight"], "slow")).toBe(0);
				expect(queued["weft.server.lease.age"]![0]!.value).toBe(0);

				worker = await startWorker({
					graphs: { slow },
					checkpointer,
					records: records as Parameters<typeof startWorker>[0]["records"],
					sweepMs: 60_000,
				});
				await waitFor(async () => {
					const g = await gauges();
					return pointOf(g["weft.server.runs.in_flight"], "slow") === 2;
				});
				await waitFor(async () => {
					const infos = await Promise.all(
						threads.map((t) => checkpointer.getThread(t.thread_id)),
					);
					return infos.every((i) => i?.lease != null);
				});
				await new Promise((r) => setTimeout(r, 200));
				const running = await gauges();
				expect(pointOf(running["weft.server.queue.depth"], "slow")).toBe(0);
				expect(pointOf(running["weft.server.runs.in_flight"], "slow")).toBe(2);
				expect(running["weft.server.lease.age"]![0]!.value).toBeGreaterThan(
					0.1,
				);

				await Promise.all(
					runs.map((r, i) =>
						client.runs.cancel(threads[i]!.thread_id, r.run_id, true),
					),
				);
				await waitFor(async () => {
					const g = await gauges();
					return pointOf(g["weft.server.runs.in_flight"], "slow") === 0;
				});
			} finally {
				await worker?.close();
				await server.close();
				await records.close();
				await checkpointer.close();
			}
		}, 60_000);
	},
);
