// Runs checkpoint writes while the parent test terminates this process's backends (connection-loss.test.ts).
// Prints one JSON line: what committed, the error codes seen, and any error that was not a WeftError.
import { isWeftError, newCheckpointId } from "@weft/checkpoint";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";

const [connectionString, schema, rounds] = process.argv.slice(2) as [
	string,
	string,
	string,
];
const cp = await PostgresCheckpointer.connect({ connectionString, schema });
process.stderr.write("ready\n");

const committed: string[] = [];
const codes: Record<string, number> = {};
const untyped: string[] = [];
let parent = (await cp.getTuple({ threadId: "thread" }))!.checkpoint;

async function attempt(fn: () => Promise<unknown>): Promise<boolean> {
	try {
		await fn();
		return true;
	} catch (error) {
		if (isWeftError(error)) codes[error.code] = (codes[error.code] ?? 0) + 1;
		else untyped.push(String(error));
		return false;
	}
}

// Go on until `rounds` checkpoints committed (the parent stops terminating after a while), bounded.
for (
	let i = 0;
	committed.length < Number(rounds) && i < Number(rounds) * 20;
	i++
) {
	const next = {
		...parent,
		checkpointId: newCheckpointId(),
		parentId: parent.checkpointId,
		step: parent.step + 1,
		createdAt: new Date().toISOString(),
		metadata: { ...parent.metadata, snapshot: false },
		data: {
			writes: [["n", "log", i]] as [string, string, unknown][],
			tasks: [],
		},
	};
	if (await attempt(() => cp.put(next))) {
		committed.push(next.checkpointId);
		parent = { ...next, size: 0, seq: 0 };
	}
	await attempt(() =>
		cp.putWrites({ threadId: "thread", checkpointId: parent.checkpointId }, [
			{ kind: "once", taskId: "n", key: `k${i}`, value: i },
		]),
	);
	await attempt(() =>
		cp.getChain({ threadId: "thread", checkpointId: parent.checkpointId }),
	);
	await attempt(() => cp.listThreads());
}
await cp.close();
process.stdout.write(`${JSON.stringify({ committed, codes, untyped })}\n`);
