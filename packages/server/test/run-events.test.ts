import { describe, expect, it } from "vitest";
import { RunEventLog } from "../src/run-events.ts";

async function collect(log: RunEventLog, after?: string): Promise<string[]> {
	const ids: string[] = [];
	for await (const e of log.read(after)) ids.push(e.id);
	return ids;
}

describe("RunEventLog", () => {
	it("gives every event after Last-Event-ID once, in order, including live ones", async () => {
		const log = new RunEventLog();
		log.push("metadata", {});
		log.push("values", { a: 1 });
		const reading = collect(log, "1");
		log.push("values", { a: 2 });
		log.close();
		expect(await reading).toEqual(["2", "3"]);
		expect(await collect(log)).toEqual(["1", "2", "3"]);
	});

	it("keeps at most `limit` events; ids go on counting", async () => {
		const log = new RunEventLog(2);
		for (let i = 0; i < 5; i++) log.push("values", i);
		log.close();
		expect(await collect(log)).toEqual(["4", "5"]);
		expect(await collect(log, "4")).toEqual(["5"]);
	});

	// outside check (6 Dec): a node emitting 20,000 events to a client reading from the start: the stream
	// went from event 356 to 10,002 with no word of the 9,600 between
	it("a reader whose next event was dropped gets EVENTS_EXPIRED and its stream ends, never a silent gap", async () => {
		const log = new RunEventLog(3);
		log.push("values", 1);
		const read = log.read();
		expect((await read.next()).value?.id).toBe("1");
		for (let i = 2; i <= 8; i++) log.push("values", i);
		const gap = (await read.next()).value!;
		expect(gap).toMatchObject({
			event: "error",
			id: "5",
			data: { error: "EVENTS_EXPIRED" },
		});
		expect((gap.data as { message: string }).message).toContain(
			"events 2 to 5",
		);
		expect((await read.next()).done).toBe(true);
		// a reader without Last-Event-ID that comes late starts at the first event kept
		log.close();
		expect(await collect(log)).toEqual(["6", "7", "8"]);
		expect(await collect(log, "1")).toEqual(["5"]);
	});

	it("a reader that leaves stops without blocking the writer", async () => {
		const log = new RunEventLog();
		const left = new AbortController();
		const reading = (async () => {
			const got: unknown[] = [];
			for await (const e of log.read(undefined, left.signal)) got.push(e.data);
			return got;
		})();
		log.push("values", 1);
		await new Promise((r) => setTimeout(r, 10));
		left.abort();
		expect(await reading).toEqual([1]);
		log.push("values", 2);
		log.close();
	});
});
