// acquireLease is two statements when the lease is taken: the take, then the read of the holder. A holder
// that releases the lease between them (a second approver with waitForLease, chaos/test/approver-race)
// left no holder to name: a TypeError reported as STORE_UNAVAILABLE. The take is tried again instead.
import type { QueryResult } from "pg";
import { describe, expect, it } from "vitest";
import { acquire } from "../src/leases.ts";
import type { Statements } from "../src/statements.ts";

const st = { acquireLease: "take", leaseOf: "read" } as unknown as Statements;

function query(answers: Array<Record<string, unknown>[]>) {
	const asked: string[] = [];
	const q = async (text: string) => {
		asked.push(text);
		return { rows: answers.shift() ?? [] } as unknown as QueryResult;
	};
	return { q, asked };
}

describe("acquire", () => {
	it("takes the lease again when its holder released it between the take and the read", async () => {
		const expires = new Date(Date.now() + 1000);
		const { q, asked } = query([
			[],
			[{ lease_token: "3", lease_owner: null, lease_expires: null }],
			[{ lease_token: "4", lease_owner: "me", lease_expires: expires }],
		]);
		const lease = await acquire(
			q,
			st,
			"t",
			{ owner: "me", ttlMs: 1000 },
			false,
		);
		expect(lease).toMatchObject({ threadId: "t", token: 4, owner: "me" });
		expect(asked).toEqual(["take", "read", "take"]);
	});

	it("is THREAD_BUSY naming a live holder", async () => {
		const expires = new Date(Date.now() + 1000);
		const { q } = query([
			[],
			[{ lease_token: "3", lease_owner: "other", lease_expires: expires }],
		]);
		await expect(
			acquire(q, st, "t", { owner: "me", ttlMs: 1000 }, false),
		).rejects.toMatchObject({
			code: "THREAD_BUSY",
			message: expect.stringContaining('"other"'),
		});
	});
});
