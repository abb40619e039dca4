import { spawnSync } from "node:child_process";
import {
	existsSync,
	mkdtempSync,
	rmSync,
	statSync,
	writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cliHint } from "../src/cli-hints.ts";
import {
	damageNewestCheckpoint,
	RawSqlite,
	root,
	startRun,
	weft,
	whileBusy,
} from "./run-cli.ts";

vi.setConfig({ testTimeout: 300_000 });

const module = join(root, "examples/src/human-approval.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-words-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("every mistake has a code and a hint a CLI user can follow", () => {
	beforeAll(async () => {
		await weft([
			...db,
			"run",
			module,
			"--thread",
			"mail",
			"--input",
			'{"request":"ship"}',
		]);
	});

	it("names the code in text mode for an unknown thread, checkpoint or database", async () => {
		for (const args of [
			[...db, "show", "nosuch"],
			[...db, "show", "mail", "--at", "zzzzzz"],
			["--db", join(dir, "missing.db"), "threads"],
		]) {
			const r = await weft(args);
			expect(r.code).toBe(2);
			expect(r.stderr).toMatch(/^error USAGE /);
			expect(r.stderr).toContain("hint: ");
		}
	});

	it("gives a hint for --set without = and for an --input file that is not there", async () => {
		const set = await weft([
			...db,
			"fork",
			"mail",
			"--at",
			"0",
			"--set",
			"request",
		]);
		expect(set.code).toBe(2);
		expect(set.stderr).toContain('--set needs key=value, got "request"');
		expect(set.stderr).toMatch(/hint: .*--set request=/);
		const file = await weft([
			...db,
			"run",
			module,
			"--input",
			`@${join(dir, "nope.json")}`,
		]);
		expect(file.code).toBe(2);
		expect(file.stderr).toContain("cannot read --input file");
		expect(file.stderr).toContain("hint: ");
	});

	it("reads --set request=5 as the text a string key holds", async () => {
		const r = await weft([
			...db,
			"--json",
			"fork",
			"mail",
			"--at",
			"0",
			"--set",
			"request=5",
		]);
		expect(r.json?.error).toBeUndefined();
		expect(r.code).toBe(0);
		const show = await weft([
			...db,
			"--json",
			"show",
			"mail",
			"--at",
			r.json.checkpointId,
		]);
		expect(show.json.values.request).toBe("5");
	});

	it("gives CLI advice, not API advice, for a busy thread and a thread with no pending request", async () => {
		const busy = cliHint("THREAD_BUSY", "t1");
		expect(busy).toContain("weft watch t1");
		expect(busy).not.toContain("waitForLease");
		const none = cliHint("NO_PENDING_INTERRUPT", "t1");
		expect(none).toContain("weft pending");
		expect(none).not.toContain("getState");
		// pasted, the commands read the store the failing command read
		expect(cliHint("THREAD_BUSY", "my thread", " --db ra.db")).toContain(
			"weft --db ra.db watch 'my thread'",
		);
		expect(cliHint("NO_PENDING_INTERRUPT", "t1", " --db ra.db")).toContain(
			"weft --db ra.db continue t1",
		);
		// a holder on this machine whose process has exited (a run killed mid-step) is named as such
		const gone = spawnSync(process.execPath, ["-e", "0"]).pid!;
		const heldBy = (pid: number, host = hostname()) => ({
			owner: `${host}:${pid}:abc123#1`,
			expiresAt: "2026-12-05T10:00:30.000Z",
		});
		expect(cliHint("THREAD_BUSY", "t1", "", undefined, heldBy(gone))).toContain(
			`process ${gone} on this machine, has exited without giving the thread back: it reads \`stale\` once that lease lapses (2026-12-05T10:00:30.000Z), and then \`weft recover t1\``,
		);
		// a live one (this process), or one of another machine: the general hint, with the lease's end (it
		// said "about 30 s" whatever the graph's leaseTtlMs)
		for (const holder of [heldBy(process.pid), heldBy(gone, "elsewhere")]) {
			const hint = cliHint("THREAD_BUSY", "t1", "", undefined, holder);
			expect(hint).toContain("weft watch t1");
			expect(hint).toContain(
				"lapses (2026-12-05T10:00:30.000Z, unless renewed)",
			);
			expect(hint).not.toContain("30 s");
		}
		// a real busy thread: a run still going when another command runs it
		const r = await whileBusy(db, "busy", dir, () =>
			weft([...db, "continue", "busy"]),
		);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain("error THREAD_BUSY");
		expect(r.stderr).not.toContain("waitForLease");
		expect(r.stderr).toContain(`weft --db ${db[1]} watch busy`);
	});

	it("says so when the run that holds a thread was killed (its lease lapses later)", async () => {
		const slow = join(root, "packages/cli/test/fixtures/slow-graph.ts");
		const { child, closed } = await startRun(
			db,
			slow,
			"killed",
			join(dir, "never"),
		);
		// killed once its run holds the thread (its first checkpoint saved: a thread to continue)
		const running = async () =>
			(
				(await weft([...db, "threads", "--json"])).json as {
					threadId: string;
					status: string;
				}[]
			).some((t) => t.threadId === "killed" && t.status === "running");
		while (!(await running())) await new Promise((r) => setTimeout(r, 50));
		child.kill("SIGKILL");
		await closed;
		const r = await weft([...db, "continue", "killed"]);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain("error THREAD_BUSY");
		expect(r.stderr).toContain(
			`process ${child.pid} on this machine, has exited without giving the thread back`,
		);
		expect(r.stderr).toContain(`weft --db ${db[1]} recover killed`);
	});

	it("refuses a 0-byte file without writing into it, and a failed first run leaves no database", async () => {
		const empty = join(dir, "empty.db");
		writeFileSync(empty, "");
		const r = await weft(["--db", empty, "threads"]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/^error USAGE .*empty/);
		expect(statSync(empty).size).toBe(0);
		const fresh = join(dir, "fresh.db");
		for (const args of [
			["run", join(dir, "no-such-module.ts")],
			["run", module, "--input", '{"nope":1}'],
		]) {
			const failed = await weft(["--db", fresh, ...args]);
			expect(failed.code).not.toBe(0);
			expect(existsSync(fresh)).toBe(false);
		}
	});

	// Found from outside (6 Dec): /dev/null read as an empty file (with a hint that failed), and a run on
	// a device left a -journal beside it
	it("refuses a device as --db, for reading and for running, writing nothing", async () => {
		for (const args of [["threads"], ["run", module, "--input", "{}"]]) {
			const r = await weft(["--db", "/dev/null", ...args]);
			expect(r.code, args[0]).toBe(2);
			expect(r.stderr, args[0]).toMatch(
				/^error USAGE \/dev\/null is not a file/m,
			);
		}
		expect(existsSync("/dev/null-journal")).toBe(false);
	});

	it("exits 2 for an id no thread can have, as for an unknown one, keeping its code", async () => {
		for (const id of ["", "x".repeat(5000)]) {
			const r = await weft([...db, "history", id]);
			expect(r.code).toBe(2);
			expect(r.stderr).toMatch(/^error INVALID_ID /);
		}
	});

	// Outside check (6 Dec): feedback, eval and stats made their three tables in such a file (and said
	// "nothing was written to it" when refusing the feedback afterwards)
	it("refuses another program's SQLite database for reading, answering, feedback, evaluations and stats, making no table in it", async () => {
		const other = join(dir, "other.db");
		const made = new RawSqlite(other);
		made.exec("CREATE TABLE foo (x)");
		made.close();
		const tables = () => {
			const db = new RawSqlite(other, { readonly: true });
			const names = db
				.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
				.all()
				.map((r) => (r as { name: string }).name);
			db.close();
			return names;
		};
		for (const args of [
			["threads"],
			["history", "t"],
			["approve", "t"],
			["feedback", "t", "--score", "1"],
			["feedback", "list"],
			["feedback", "stats"],
			["eval", "list"],
			["eval", "compare", "a", "b"],
			["stats"],
		]) {
			const r = await weft(["--db", other, ...args]);
			expect(r.code, args[0]).toBe(2);
			expect(r.stderr, args[0]).toMatch(/^error USAGE .*not a weft database/);
		}
		expect(tables()).toEqual(["foo"]);
	});

	it("says a finished thread has nothing to continue or recover", async () => {
		const done = join(root, "packages/cli/test/fixtures/one-token-graph.ts");
		expect(
			(await weft([...db, "run", done, "--thread", "finished"])).code,
		).toBe(0);
		for (const command of ["continue", "recover"]) {
			const r = await weft([...db, "--json", command, "finished"]);
			expect(r.code).toBe(2);
			expect(r.json.error.code).toBe("USAGE");
			expect(r.json.error.message).toContain('thread "finished" is done');
			expect(r.json.error.hint).toMatch(/weft --db \S+ (fork|run)/);
		}
	});

	// Found from outside (6 Dec): the hint named a run config option no weft command takes
	it("says in CLI words what to do when the thread's state was written by another graph version", async () => {
		const first = join(root, "packages/cli/test/fixtures/one-token-graph.ts");
		const other = join(root, "packages/cli/test/fixtures/gated-graph.ts");
		expect(
			(await weft([...db, "run", first, "--thread", "versions"])).code,
		).toBe(0);
		const r = await weft([
			...db,
			"--json",
			"run",
			other,
			"--thread",
			"versions",
			"--input",
			'{"topic":"x"}',
		]);
		expect(r.json?.error?.code, r.stderr).toBe("GRAPH_CHANGED");
		expect(r.json.error.hint).toContain("--graph <module>");
		expect(r.json.error.hint).toContain("no weft command takes it");
	});

	// Found from outside (6 Dec): `weft continue` on a thread waiting for an answer ran the asking node
	// again (its work before the question with it), to ask again, and exited 0
	it("refuses to continue a thread that waits for an answer, naming the commands that answer", async () => {
		const run = [...db, "run", module, "--thread", "waits", "--input"];
		expect((await weft([...run, '{"request":"ship"}'])).code).toBe(0);
		const before = await weft([...db, "--json", "history", "waits"]);
		const r = await weft([...db, "--json", "continue", "waits"]);
		expect(r.code).toBe(2);
		expect(r.json.error.code).toBe("USAGE");
		expect(r.json.error.message).toContain(
			'thread "waits" is waiting for an answer',
		);
		expect(r.json.error.hint).toMatch(/weft --db \S+ approve waits/);
		const after = await weft([...db, "--json", "history", "waits"]);
		expect(after.json).toEqual(before.json);
		expect((await weft([...db, "approve", "waits"])).code).toBe(0);
		// a pause before a node asks nothing: continuing goes past it
		const breakpoint = join(
			root,
			"packages/cli/test/fixtures/breakpoint-graph.ts",
		);
		const paused = await weft([
			...db,
			"--json",
			"run",
			breakpoint,
			"--thread",
			"bp",
		]);
		expect(paused.json?.status, paused.stderr).toBe("interrupted");
		const past = await weft([...db, "--json", "continue", "bp"]);
		expect(past.code, past.stderr).toBe(0);
		expect(past.json.values.log).toBe("first;second;");
	});

	it("says so when new input goes past a request that waits for an answer", async () => {
		const first = [...db, "run", module, "--thread", "mail-2", "--input"];
		await weft([...first, '{"request":"ship"}']);
		const again = await weft([...first, '{"request":"ship it now"}']);
		expect(again.stderr).toContain(
			"note: thread mail-2 was waiting for an answer at checkpoint ",
		);
		// the request is no branch head's any more: `weft pending` cannot list it, --checkpoint reaches it
		expect(again.stderr).not.toContain("weft pending --thread");
		const cp = /approve mail-2 --checkpoint (\w+)`/.exec(again.stderr)?.[1];
		expect(cp).toBeDefined();
		expect(again.stderr).toContain(
			`answer it later with \`weft ${db.join(" ")} approve mail-2 --checkpoint ${cp}\``,
		);
		const left = await weft([...db, "approve", "mail-2", "--checkpoint", cp!]);
		expect(left.stderr).toBe("");
		expect(left.code).toBe(0);
		// with no input at all, a run would only go past the request: refused, with the commands that answer
		const bare = await weft([
			...db,
			"run",
			module,
			"--thread",
			"mail-3",
			"--input",
			'{"request":"x"}',
		]);
		expect(bare.code).toBe(0);
		const none = await weft([...db, "run", module, "--thread", "mail-3"]);
		expect(none.code).toBe(2);
		expect(none.stderr).toContain(
			'error USAGE thread "mail-3" is waiting for an answer',
		);
		expect(none.stderr).toContain(`\`weft ${db.join(" ")} approve mail-3\``);
		expect(
			(await weft([...db, "--json", "pending", "--thread", "mail-3"])).json,
		).toHaveLength(1);
	});

	it("refuses --db beside --postgres: two stores named", async () => {
		for (const args of [
			["history", "mail"],
			["dev", "--graph", `g=${module}`, "--port", "0"],
		]) {
			const r = await weft([
				...db,
				"--postgres",
				"postgres://postgres@127.0.0.1:5432/test",
				"--json",
				...args,
			]);
			expect(r.code).toBe(2);
			expect(r.json?.error?.code ?? r.stderr).toMatch(/USAGE/);
			expect(r.stdout + r.stderr).toContain(
				"--db and --postgres name two stores",
			);
		}
	});

	it("says a thread waiting for an answer is not stale: recover refuses it and names the answer", async () => {
		const r = await weft([...db, "--json", "recover", "mail"]);
		expect(r.code).toBe(2);
		expect(r.json.error.code).toBe("USAGE");
		expect(r.json.error.message).toContain("waiting for an answer, not stale");
		expect(r.json.error.hint).toContain(`weft ${db.join(" ")} approve mail`);
		// nothing ran: the request still waits
		const pending = await weft([
			...db,
			"--json",
			"pending",
			"--thread",
			"mail",
		]);
		expect(pending.json).toHaveLength(1);
	});

	// outside check (new user, 2 Dec): `weft` alone printed nothing and exited 0; --version was unknown;
	// a bad --port was UNEXPECTED (exit 1)
	it("prints help for a missing command as a usage error, knows --version, refuses a bad --port", async () => {
		const bare = await weft([]);
		expect(bare.code).toBe(2);
		expect(bare.stderr).toContain("Usage: weft [options] [command]");
		const group = await weft(["eval"]);
		expect(group.code).toBe(2);
		expect((await weft(["--version"])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
		for (const port of ["abc", "99999", "-1"]) {
			const r = await weft([
				...db,
				"dev",
				"--graph",
				`g=${module}`,
				"--port",
				port,
			]);
			expect(r.code, port).toBe(2);
			expect(r.stderr).toContain("--port must be a whole number");
		}
	});

	// outside check (new user, 2 Dec): in a checkout or a `weft init` project there is no `weft` on the
	// PATH, only the pnpm script: the commands printed to copy said `weft approve …`
	it("prints commands to copy as `pnpm weft …` when started by the pnpm script", async () => {
		const pnpmScript = {
			npm_lifecycle_event: "weft",
			npm_config_user_agent: "pnpm/10.0.0 npm/? node/v20",
		};
		const r = await weft(
			[...db, "run", module, "--input", '{"request":"x"}', "--thread", "p"],
			{ env: pnpmScript },
		);
		expect(r.code).toBe(0);
		expect(r.stdout + r.stderr).toContain(
			`answer with: pnpm weft ${db.join(" ")} approve p`,
		);
		const plain = await weft([...db, "recover", "p"]);
		expect(plain.stderr).toContain("`weft ");
		expect(plain.stderr).not.toContain("pnpm weft");
	});

	// outside check (corrupted row, 2 Dec): a thread whose newest checkpoint cannot be read answered
	// `weft show` and `weft approve` with the API's hint (getStateHistory, updateState)
	it("names the commands that get past a checkpoint that cannot be read", async () => {
		await weft([
			...db,
			"run",
			module,
			"--thread",
			"damaged",
			"--input",
			'{"request":"x"}',
		]);
		damageNewestCheckpoint(join(dir, "weft.db"), "damaged");
		const r = await weft([...db, "approve", "damaged"]);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain("error CORRUPT_CHECKPOINT");
		expect(r.stderr).toContain(`weft ${db.join(" ")} history damaged`);
		expect(r.stderr).toContain(`weft ${db.join(" ")} replay damaged --from`);
		expect(r.stderr).not.toContain("getStateHistory");
	});
});
