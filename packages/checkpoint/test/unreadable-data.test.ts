import { describe, expect, expectTypeOf, it } from "vitest";
import {
	CheckpointError,
	ConfigError,
	corruptCheckpoint,
	corruptCheckpointOf,
	isUnreadableData,
	WeftError,
} from "../src/index.ts";

describe("isUnreadableData", () => {
	it("is true for the errors of stored data that cannot be read, and for nothing else", () => {
		for (const code of [
			"CORRUPT_CHECKPOINT",
			"DESERIALIZATION_FAILED",
			"DECRYPTION_FAILED",
		] as const)
			expect(isUnreadableData(new CheckpointError(code, "x"))).toBe(true);
		expect(
			isUnreadableData(new WeftError("STORE_UNAVAILABLE", "the store is gone")),
		).toBe(false);
		expect(isUnreadableData(new ConfigError("CONFIG_INVALID", "x"))).toBe(
			false,
		);
		expect(isUnreadableData(new Error("CORRUPT_CHECKPOINT"))).toBe(false);
		expect(isUnreadableData({ code: "CORRUPT_CHECKPOINT" })).toBe(false);
		expect(isUnreadableData(undefined)).toBe(false);
	});

	it("narrows to a WeftError", () => {
		const e: unknown = new CheckpointError("CORRUPT_CHECKPOINT", "x");
		if (isUnreadableData(e)) expectTypeOf(e).toEqualTypeOf<WeftError>();
	});
});

describe("corruptCheckpointOf", () => {
	it("names the checkpoint of a CORRUPT_CHECKPOINT error, and of no other", () => {
		const error = corruptCheckpoint(
			{ threadId: "t", checkpointId: "c1" },
			"its metadata is not JSON",
		);
		expect(corruptCheckpointOf(error)).toEqual({
			threadId: "t",
			ns: "",
			checkpointId: "c1",
		});
		// not part of what the error shows or serializes
		expect(Object.keys(error)).not.toContain("checkpointId");
		expect(JSON.stringify(error)).not.toContain('c1"}');
		expect(
			corruptCheckpointOf(new CheckpointError("CORRUPT_CHECKPOINT", "x")),
		).toBeUndefined();
		expect(corruptCheckpointOf(new Error("x"))).toBeUndefined();
		expect(corruptCheckpointOf(undefined)).toBeUndefined();
	});
});
