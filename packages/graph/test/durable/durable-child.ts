// Runs the durable graph in its own process. Usage:
//   durable-child.ts <store: sqlite|postgres> <location> <threadId> <start|continue|approve> <dir> [delayMs] [waitForLeaseMs]
// Prints one JSON line with the outcome; exits 0 (also on a typed error, which it reports).
// $WEFT_PAUSE_BEFORE: a node to pause before (`interruptBefore`); $WEFT_KILL_AFTER_SPENT_PAUSE=1: SIGKILL
// this process as soon as the store has taken the record that spends a pause (a `resume` write of null).
import { join } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import { Command, isWeftError } from "@weft/graph";
import { durableGraph } from "./durable-graph.ts";

const [store, location, threadId, action, dir, delay, wait] =
	process.argv.slice(2);

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

/** The store, with this process killed right after it stored a spent pause's record (when asked). */
function killAfterSpentPause(cp: Checkpointer): Checkpointer {
	if (process.env.WEFT_KILL_AFTER_SPENT_PAUSE !== "1") return cp;
	return new Proxy(cp, {
		get(target, key) {
			const value = Reflect.get(target, key, target) as unknown;
			if (key !== "putWrites" || typeof value !== "function")
				return typeof value === "function" ? value.bind(target) : value;
			return async (...args: Parameters<Checkpointer["putWrites"]>) => {
				await (value as Checkpointer["putWrites"]).apply(target, args);
				if (args[1].some((w) => w.kind === "resume" && w.value === null))
					process.kill(process.pid, "SIGKILL");
			};
		},
	});
}

const checkpointer = killAfterSpentPause(await open());
const graph = durableGraph(checkpointer, {
	runsFile: join(dir!, "runs.txt"),
	effectsFile: join(dir!, "effects.txt"),
	delayMs: Number(delay ?? 5),
	approval: true,
});
// by default wait for the lease of a process killed just before (it lapses after the graph's TTL)
const config = {
	threadId: threadId!,
	recursionLimit: 1000,
	waitForLease: Number(wait ?? 5000),
	...(process.env.WEFT_PAUSE_BEFORE === undefined
		? {}
		: { interruptBefore: [process.env.WEFT_PAUSE_BEFORE] }),
};
process.stderr.write("ready\n");
try {
	const input =
		action === "start"
			? { rounds: 6 }
			: action === "approve"
				? new Command({ resume: { action: "approve" } })
				: null;
	const result = await graph.run(input, config);
	process.stdout.write(
		`${JSON.stringify({ status: result.status, values: result.values, interrupts: result.interrupts })}\n`,
	);
} catch (error) {
	process.stdout.write(
		`${JSON.stringify({ error: isWeftError(error) ? error.code : String(error) })}\n`,
	);
} finally {
	await checkpointer.close?.();
}
