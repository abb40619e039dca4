import { describe, expect, it } from "vitest";
import { newCheckpointId } from "../src/ids.ts";

describe("newCheckpointId", () => {
	it("makes RFC 9562 version-7 UUIDs, strictly increasing within the process", () => {
		const ids = Array.from({ length: 20_000 }, () => newCheckpointId());
		for (const id of ids)
			expect(id).toMatch(
				/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
			);
		for (let i = 1; i < ids.length; i++)
			expect(ids[i]! > ids[i - 1]!).toBe(true);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it("carries the creation time in its first 48 bits", () => {
		const before = Date.now();
		const id = newCheckpointId();
		const ms = Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
		expect(ms).toBeGreaterThanOrEqual(before);
		expect(ms).toBeLessThanOrEqual(Date.now() + 1);
	});
});
