// A fuzz runner process: runs numbered cases of one suite on one store and prints a JSON line before
// and after each, so the parent (run-cases.ts) can tell a hang or a crash from a slow case, kill this
// process, and go on with a new one from the next case. Usage: case-runner.ts '<RunnerJob as JSON>'.
import { isWeftError } from "@weft/graph";
import { badInputCase } from "./bad-inputs.ts";
import { runCorruptCase } from "./corrupt-cases.ts";
import { type FuzzStoreKind, openFuzzStore } from "./fuzz-store.ts";

export interface RunnerJob {
	suite: "corrupt" | "bad-input";
	kind: FuzzStoreKind;
	location: string;
	dir: string;
	from: number;
	to: number;
	/** Per-case limit for a case that awaits forever. */
	caseTimeoutMs: number;
}

/** How a case ended: "ok", "typed:<CODE>", or a failure ("untyped: …", "timeout", "silent", "lost: …"). */
export interface CaseLine {
	i: number;
	result: string;
}

const job = JSON.parse(process.argv[2]!) as RunnerJob;
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const store = await openFuzzStore(job.kind, job.location, job.dir);
process.stderr.write("ready\n");

function classify(error: unknown): string {
	if (isWeftError(error)) return `typed:${error.code}`;
	const text =
		error instanceof Error ? `${error.name}: ${error.message}` : String(error);
	return `untyped: ${text.slice(0, 300)}`;
}

async function runCase(i: number): Promise<string> {
	if (job.suite === "corrupt") {
		const outcome = await runCorruptCase(store, job.dir, i);
		return outcome;
	}
	const c = badInputCase(i);
	await c.run(store);
	if (c.acceptedThread !== undefined) {
		const info = await store.cp.getThread(c.acceptedThread as string);
		if (info?.threadId !== c.acceptedThread)
			return `lost: thread id accepted by run reads back as ${JSON.stringify(info?.threadId)}`;
	}
	return "ok";
}

for (let i = job.from; i < job.to; i++) {
	say({ start: i });
	let timer: ReturnType<typeof setTimeout> | undefined;
	let result: string;
	try {
		result = await Promise.race([
			runCase(i),
			new Promise<string>((resolve) => {
				timer = setTimeout(() => resolve("timeout"), job.caseTimeoutMs);
			}),
		]);
	} catch (error) {
		result = classify(error);
	} finally {
		clearTimeout(timer);
	}
	try {
		await store.checkGood();
	} catch (error) {
		result =
			`lost: ${error instanceof Error ? error.message : String(error)}`.slice(
				0,
				400,
			);
		await store.remakeGood().catch(() => {});
	}
	say({ i, result });
}
say({ end: true });
await store.close();
// a case that timed out may still hold timers or connections: the runner is done either way
process.exit(0);
