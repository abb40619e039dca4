import { describe, expect, it } from "vitest";
import { settledWithin } from "../src/settled-within.ts";

describe("settledWithin (the shutdown grace of runs and of cut-off requests)", () => {
	it("waits for the others when one promise rejects, and never rejects itself", async () => {
		let late = false;
		const slow = new Promise<void>((resolve) =>
			setTimeout(() => {
				late = true;
				resolve();
			}, 50),
		);
		await settledWithin(
			[Promise.reject(new Error("one run failed")), slow],
			10_000,
		);
		expect(late).toBe(true);
	});

	it("gives up after the grace when a promise never settles", async () => {
		let timedOut = false;
		await Promise.race([
			settledWithin([new Promise(() => {})], 20).then(() => {
				timedOut = true;
			}),
			new Promise((resolve) => setTimeout(resolve, 5_000)),
		]);
		expect(timedOut).toBe(true);
	});

	it("returns at once with nothing to wait for", async () => {
		await expect(settledWithin([], 10_000)).resolves.toBeUndefined();
	});
});
