// A background job that fails every few seconds during an outage logs its first failure in full, then a
// one-line reminder each minute with the count, and one line when it recovers (decision 0240). The
// clock is given, so the minute passes at once.
import { describe, expect, it } from "vitest";
import { failureLog, REMIND_EVERY_MS } from "../src/failure-log.ts";
import { WrittenMap } from "../src/records/record-cache.ts";

describe("failureLog", () => {
	it("logs the first failure in full, a reminder each minute, and the recovery with the count", () => {
		const logged: unknown[][] = [];
		let now = 1_000_000;
		const log = failureLog("cannot delete expired store items", {
			log: (...args) => logged.push(args),
			now: () => now,
		});
		const away = new Error("Postgres did not answer");
		log.succeeded();
		expect(logged).toEqual([]);
		for (let i = 0; i < 12; i++, now += 5_000) log.failed(away);
		// the full entry is the error itself, as console.error prints it (stack, hint, cause)
		expect(logged).toEqual([
			["weft server: cannot delete expired store items:", away],
		]);
		log.failed(away);
		expect(logged.at(-1)).toEqual([
			"weft server: cannot delete expired store items: still failing (13 failures): Postgres did not answer",
		]);
		now += REMIND_EVERY_MS - 1;
		log.failed(away);
		expect(logged).toHaveLength(2);
		log.succeeded();
		log.succeeded();
		expect(logged.slice(2)).toEqual([
			[
				"weft server: cannot delete expired store items: recovered after 14 failures",
			],
		]);
		// the next outage is a new one: its first failure in full again
		log.failed(away);
		expect(logged.at(-1)).toEqual([
			"weft server: cannot delete expired store items:",
			away,
		]);
	});

	it("ends the records' failures at the next record written", async () => {
		const logged: unknown[][] = [];
		const map = new WrittenMap<{ n: number }>();
		const saving = failureLog("cannot save a record", {
			log: (...args) => logged.push(args),
		});
		let away = true;
		map.writeTo(
			async () => {
				if (away) throw new Error("connection refused");
			},
			(error) => saving.failed(error),
			() => saving.succeeded(),
		);
		map.set("a", { n: 1 });
		await map.flush();
		expect(logged).toHaveLength(1);
		expect(logged[0]?.[0]).toBe("weft server: cannot save a record:");
		away = false;
		map.set("b", { n: 1 });
		await map.flush();
		expect(logged.slice(1)).toEqual([
			["weft server: cannot save a record: recovered after 1 failure"],
		]);
	});
});
