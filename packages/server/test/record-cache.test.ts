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
});
