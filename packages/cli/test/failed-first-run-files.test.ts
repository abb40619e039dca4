// Found from outside (7 Dec): a first `weft run` or `weft dev` that failed removed the database it made
// but left its `weft.db-shm` and `weft.db-wal` beside it (made by the read-only look that checks the file
// holds nothing): the folder of a new user's typo kept two files of a database that was not there.
import {
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root, weft } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-failed-first-"));
let taken: Server;
let port: number;
beforeAll(async () => {
	taken = createServer();
	await new Promise<void>((done) => taken.listen(0, "127.0.0.1", done));
	port = (taken.address() as { port: number }).port;
});
afterAll(async () => {
	await new Promise((done) => taken.close(done));
	rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder, with `files` written in it. */
function folder(name: string, files: Record<string, string> = {}): string {
	const at = join(dir, name);
	mkdirSync(at);
	for (const [file, text] of Object.entries(files))
		writeFileSync(join(at, file), text);
	return at;
}

describe("a first command that fails leaves no database files", () => {
	it("weft run of a module that is not there", async () => {
		const cwd = folder("missing");
		const r = await weft(["run", "nope.ts"], { cwd });
		expect(r.code).toBe(2);
		expect(r.stderr).toContain("no graph module");
		expect(readdirSync(cwd)).toEqual([]);
	});

	it("weft run of a module that cannot be imported", async () => {
		const cwd = folder("bad", {
			"package.json": '{ "type": "module" }',
			"bad.ts": 'throw new Error("boom");\n',
		});
		const r = await weft(["run", "bad.ts"], { cwd });
		expect(r.code).not.toBe(0);
		expect(readdirSync(cwd).sort()).toEqual(["bad.ts", "package.json"]);
	});

	it("weft dev on a port in use", async () => {
		const cwd = folder("dev");
		const graph = join(root, "packages/cli/test/fixtures/review-graph.ts");
		const r = await weft(
			[
				"--db",
				"x.db",
				"dev",
				"--graph",
				`review=${graph}#graph`,
				"--port",
				String(port),
			],
			{ cwd },
		);
		expect(r.code).toBe(2);
		expect(readdirSync(cwd)).toEqual([]);
	});
});
