import { chainAfter, record } from "@weft/checkpoint/conformance";
import { afterEach, describe, expect, it } from "vitest";
import { corrupter } from "./corrupt.ts";
import { freshCheckpointer, postgresAvailable, rows } from "./postgres.ts";

const available = await postgresAvailable();

describe.skipIf(!available)("PostgresCheckpointer reading damaged rows", () => {
	const drops: Array<() => Promise<void>> = [];
	afterEach(async () => {
		for (const drop of drops.splice(0)) await drop();
	});

	it("a step or source no store writes is CORRUPT_CHECKPOINT naming the checkpoint", async () => {
		const { cp, schema, drop } = await freshCheckpointer();
		drops.push(drop);
		const root = record({ snapshot: { log: [] } });
		await cp.put(root);
		const [child] = chainAfter(root, 1);
		await cp.put(child!);
		for (const set of ["step = -5", "source = 'nope'"]) {
			await rows(
				`UPDATE "${schema}".checkpoints SET ${set} WHERE checkpoint_id = $1`,
				[child!.checkpointId],
			);
			const error = await cp
				.getTuple({ threadId: "thread" })
				.catch((e: unknown) => e);
			expect(error, set).toMatchObject({ code: "CORRUPT_CHECKPOINT" });
			expect((error as Error).message, set).toContain(child!.checkpointId);
			await rows(
				`UPDATE "${schema}".checkpoints SET step = $2, source = $3 WHERE checkpoint_id = $1`,
				[child!.checkpointId, child!.step, child!.source],
			);
		}
		expect(
			(await cp.getTuple({ threadId: "thread" }))?.checkpoint.checkpointId,
		).toBe(child!.checkpointId);
	});

	it("walks a long parent cycle in one bounded query, leaving no runaway query on the server", async () => {
		const { cp, schema, drop } = await freshCheckpointer();
		drops.push(drop);
		const root = record({ snapshot: { log: [] } });
		await cp.put(root);
		const chain = chainAfter(root, 200);
		for (const r of chain) await cp.put(r);
		const corrupt = corrupter(schema);
		const first = chain[0]!;
		const tip = chain[199]!;
		await corrupt({
			kind: "parent",
			at: { threadId: "thread", ns: "", checkpointId: first.checkpointId },
			parentId: tip.checkpointId,
		});
		const error = await cp
			.getChain({ threadId: "thread", checkpointId: tip.checkpointId })
			.catch((e: unknown) => e);
		expect(error).toMatchObject({ code: "CORRUPT_CHECKPOINT" });
		expect((error as Error).message).toContain(first.checkpointId);
		expect((error as Error).message).toContain("cycle");
		const running = await rows(
			"SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%WITH RECURSIVE%' AND query LIKE $1",
			[`%${schema}%`],
		);
		expect(running).toEqual([{ n: 0 }]);
		// The missing middle: a gap is named by the checkpoint whose parent is gone.
		await corrupt({
			kind: "delete",
			at: {
				threadId: "thread",
				ns: "",
				checkpointId: chain[100]!.checkpointId,
			},
		});
		const gap = await cp
			.getChain({ threadId: "thread", checkpointId: tip.checkpointId })
			.catch((e: unknown) => e);
		expect(gap).toMatchObject({ code: "CORRUPT_CHECKPOINT" });
		expect((gap as Error).message).toContain(chain[101]!.checkpointId);
		expect((gap as Error).message).toContain("missing");
		// ... unless the walk stops before it
		const stopped = await cp.getChain(
			{ threadId: "thread", checkpointId: tip.checkpointId },
			{ stopAt: (id) => id === chain[150]!.checkpointId },
		);
		expect(stopped).toHaveLength(49);
	});

	it("a thread whose row was lost goes on after its newest checkpoint: the lease and the status rebuild it", async () => {
		const { cp, schema, drop } = await freshCheckpointer();
		drops.push(drop);
		const root = record({ snapshot: { log: [] } });
		await cp.put(root);
		const chain = chainAfter(root, 2);
		for (const r of chain) await cp.put(r);
		for (const remake of ["acquireLease", "setThreadStatus"] as const) {
			await rows(`DELETE FROM "${schema}".threads WHERE thread_id = 'thread'`);
			const head = (await cp.getTuple({ threadId: "thread" }))!.checkpoint;
			let fence: number | undefined;
			if (remake === "acquireLease")
				fence = (await cp.acquireLease("thread", { owner: "me", ttlMs: 5000 }))
					.token;
			else await cp.setThreadStatus("thread", "interrupted");
			const [next] = chainAfter(head, 1);
			// the row's commit counter starts after the checkpoints it kept, not at 1 (a seq already taken)
			await cp.put(next!, { fence, exclusive: true });
			expect(
				(await cp.getTuple({ threadId: "thread" }))?.checkpoint.checkpointId,
				remake,
			).toBe(next!.checkpointId);
		}
	});
});
