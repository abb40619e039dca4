// Found from outside (chaos audit, 5 Dec): a pending-write row that still read as JSON but had lost a
// field its kind needs (a task's `done` record without its writes) made `weft continue` fail UNEXPECTED
// ("writes is not iterable"); and a thread row whose cached branch heads were not JSON made `weft
// threads` and `weft pending` fail UNEXPECTED for every thread of the file. Now the first is
// CORRUPT_CHECKPOINT naming the thread and checkpoint (`weft pending` lists the other threads with a
// warning), and the second is read from the checkpoints.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { RawSqlite, root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 600_000 });

const approval = join(root, "examples/src/human-approval.ts");
// the SQLite driver the store package uses (not a dependency of the CLI's own)
const dir = mkdtempSync(join(tmpdir(), "weft-damaged-records-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function twoThreads(
	name: string,
): Promise<{ path: string; head: string }> {
	const path = join(dir, `${name}.db`);
	let head = "";
	for (const thread of ["ok", "bad"]) {
		const run = await weft([
			"--db",
			path,
			"--json",
			"run",
			approval,
			"--thread",
			thread,
			"--input",
			`{"request":"${thread}"}`,
		]);
		expect(run.code, run.stderr).toBe(0);
		head = run.json.checkpointId;
	}
	return { path, head };
}

describe("damaged rows that still read as JSON", () => {
	it("a done record without writes: continue is CORRUPT_CHECKPOINT, pending lists the other thread", async () => {
		const { path, head } = await twoThreads("done");
		const raw = new RawSqlite(path);
		raw
			.prepare(
				"UPDATE writes SET data = ? WHERE thread_id = 'bad' AND checkpoint_id = ?",
			)
			.run(Buffer.from('j{"kind":"done","taskId":"approve"}'), head);
		raw.close();
		const cont = await weft(["--db", path, "continue", "bad"]);
		expect(cont.stderr).toContain("CORRUPT_CHECKPOINT");
		expect(cont.stderr).toContain(head);
		expect(cont.stderr).not.toContain("UNEXPECTED");
		const pending = await weft(["--db", path, "pending"]);
		expect(pending.code, pending.stderr).toBe(0);
		expect(pending.stdout).toMatch(/│ ok +│ approve/);
		expect(pending.stderr).toContain("could not read thread bad");
	});

	it("a thread row whose cached heads are not JSON: threads and pending list both threads", async () => {
		const { path } = await twoThreads("heads");
		const raw = new RawSqlite(path);
		raw
			.prepare("UPDATE threads SET root_heads = '{bad' WHERE thread_id = 'bad'")
			.run();
		raw.close();
		const threads = await weft(["--db", path, "threads"]);
		expect(threads.code, threads.stderr).toBe(0);
		expect(threads.stdout).toMatch(/│ bad +│ interrupted/);
		const pending = await weft(["--db", path, "pending"]);
		expect(pending.code, pending.stderr).toBe(0);
		expect(pending.stdout).toMatch(/│ bad +│ approve/);
		expect(pending.stdout).toMatch(/│ ok +│ approve/);
	});
});
