// A runner in its own process for api-contract-leases.test.ts. Usage:
//   lease-child.ts <sqlite|postgres> <location> <threadId> <start|continue|recover> <dir> <waitForLeaseMs>
// "slow" waits until <dir>/go exists, so the test decides when the step can finish (or kills the process
// before). Prints one JSON line: the run's { status, values } or { error: code }.
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import {
	isWeftError,
	type NodeContext,
	reducer,
	START,
	StateGraph,
} from "@weft/graph";
import { z } from "zod";

const [store, location, threadId, action, dir, wait] = process.argv.slice(2);

async function open(): Promise<Checkpointer> {
	if (store === "sqlite") {
		const { SqliteCheckpointer } = await import("@weft/checkpoint-sqlite");
		return new SqliteCheckpointer({ path: location! });
	}
	const { PostgresCheckpointer } = await import("@weft/checkpoint-postgres");
	const [connectionString, schema] = location!.split("#");
	return PostgresCheckpointer.connect({
		connectionString: connectionString!,
		schema: schema!,
	});
}

const note = (line: string) =>
	appendFileSync(join(dir!, "journal.txt"), `${line}\n`);
const effect = (ctx: NodeContext, name: string) =>
	ctx.once(name, () => {
		note(`effect:${name}`);
		return name;
	});

export const State = z.object({
	log: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

const checkpointer = await open();
const graph = new StateGraph(State)
	.addNode("quick", async (_s, ctx) => ({ log: [await effect(ctx, "quick")] }))
	.addNode("slow", async (_s, ctx) => {
		note("enter:slow");
		while (!existsSync(join(dir!, "go")))
			await new Promise((r) => setTimeout(r, 10));
		return { log: [await effect(ctx, "slow")] };
	})
	.addEdge(START, "quick")
	.addEdge(START, "slow")
	.compile({ checkpointer, leaseTtlMs: 300 });

const config = { threadId: threadId!, waitForLease: Number(wait) };
note(`ready:${action}`);
try {
	const result =
		action === "start"
			? await graph.run({}, config)
			: action === "recover"
				? await graph.recover(threadId!, { waitForLease: Number(wait) })
				: await graph.run(null, config);
	process.stdout.write(
		`${JSON.stringify({ status: result.status, values: result.values })}\n`,
	);
} catch (error) {
	if (!isWeftError(error)) throw error;
	process.stdout.write(`${JSON.stringify({ error: error.code })}\n`);
} finally {
	await (checkpointer as { close?: () => Promise<void> }).close?.();
}
