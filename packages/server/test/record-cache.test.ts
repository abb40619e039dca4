import { describe, expect, it } from "vitest";
import { WrittenMap } from "../src/records/record-cache.ts";

describe("WrittenMap", () => {
	it("does not revive a key deleted here when another process's older copy arrives", async () => {
		const written: Array<[string, unknown]> = [];
		const map = new WrittenMap<{ status: string }>();
		map.writeTo(
			async (key, value) => {
				written.push([key, value]);
			},
			() => {},
		);
		map.set("run", { status: "running" });
		await map.flush();
		// a read of the store started before the deletion answers after it (a notification or a poll)
		map.delete("run");
		map.refresh("run", { status: "cancelled" });
		await map.flush();
		expect(map.has("run")).toBe(false);
		expect(written.at(-1)).toEqual(["run", undefined]);
		// a key set again later is refreshed as usual
		map.set("run", { status: "pending" });
		map.refresh("run", { status: "success" });
		expect(map.get("run")).toEqual({ status: "success" });
	});

	it("tries a failed write again, and remembers one still failing after the retries", async () => {
		const errors: unknown[] = [];
		let failures = 2;
		const written: string[] = [];
		const map = new WrittenMap<{ n: number }>();
		map.writeTo(
			async (key) => {
				if (failures-- > 0) throw new Error("connection dropped");
				written.push(key);
			},
			(e) => errors.push(e),
		);
		map.set("a", { n: 1 });
		await map.flush();
		expect(written).toEqual(["a"]);
		expect(errors).toEqual([]);
		expect(map.failure("a")).toBeUndefined();

		failures = Number.POSITIVE_INFINITY;
		map.set("b", { n: 2 });
		await map.flush();
		expect(errors).toHaveLength(1);
		expect(map.failure("b")).toBeInstanceOf(Error);
		// a later change of the key is written afresh
		failures = 0;
		map.get("b")!.n = 3;
		await map.flush();
		expect(map.failure("b")).toBeUndefined();
		expect(written).toEqual(["a", "b"]);
	}, 20_000);

	it("finds entries by their group (a thread's runs) through sets, deletions, loads and refreshes", () => {
		const map = new WrittenMap<{ thread: string; n: number }>((v) => v.thread);
		const keys = (g: string) => [...map.keysOf(g)].sort();
		map.load("r1", { thread: "a", n: 1 });
		map.set("r2", { thread: "a", n: 2 });
		map.set("r3", { thread: "b", n: 3 });
		expect(keys("a")).toEqual(["r1", "r2"]);
		expect(keys("b")).toEqual(["r3"]);
		map.delete("r1");
		expect(keys("a")).toEqual(["r2"]);
		// another process's copy: new, changed, gone
		map.refresh("r4", { thread: "b", n: 4 });
		map.refresh("r2", { thread: "a", n: 5 });
		expect(keys("a")).toEqual(["r2"]);
		expect(keys("b")).toEqual(["r3", "r4"]);
		map.refresh("r3", undefined);
		expect(keys("b")).toEqual(["r4"]);
		// a field change through the kept object keeps its group
		map.get("r4")!.n = 6;
		expect(keys("b")).toEqual(["r4"]);
		expect(keys("none")).toEqual([]);
	});
});
