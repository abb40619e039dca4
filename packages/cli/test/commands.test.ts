import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createProgram } from "../src/main.ts";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 600_000 });

const agent = join(root, "packages/cli/templates/agent/src/agent.ts");
const approval = join(root, "examples/src/human-approval.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-cmds-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("weft commands", () => {
	it("draws a graph as boxes and arrows, as Mermaid, and as JSON", async () => {
		const drawn = await weft(["graph", agent]);
		expect(drawn.stdout).toContain(
			"│  agent  │ ┄┄▶ tools | approve | end (conditional)",
		);
		expect(drawn.stdout).toContain("│ approve │ ──▶ tools");
		const mermaid = await weft(["graph", agent, "--mermaid"]);
		expect(mermaid.stdout).toMatch(/^flowchart TD/);
		const json = await weft(["--json", "graph", agent]);
		expect(json.json.edges).toContainEqual({
			from: "approve",
			to: "tools",
			kind: "edge",
		});
	});

	it("prints completion scripts that the shells accept", async () => {
		const bash = await weft(["completion", "bash"]);
		writeFileSync(join(dir, "c.bash"), bash.stdout);
		execFileSync("bash", ["-n", join(dir, "c.bash")]);
		expect(bash.stdout).toContain("complete -F _weft weft");
		expect(bash.stdout).toContain("approve) opts=");
		const zsh = await weft(["completion", "zsh"]);
		expect(zsh.stdout).toContain("#compdef weft");
		expect((await weft(["completion", "fish"])).code).toBe(2);
	});

	it("shows examples in every command's --help, and the exit codes in the program's", async () => {
		const help = await weft(["--help"]);
		expect(help.stdout).toContain("130 interrupted");
		const names = [...help.stdout.matchAll(/^ {2}([a-z]+) /gm)]
			.map((m) => m[1]!)
			.filter((n) => n !== "help");
		expect(names.length).toBeGreaterThan(15);
		// one command's help through a real process (exit 0), every command's from the same program in
		// this process: a process per command cost ≈ 90 s of the suite for the same text
		const run = await weft(["run", "--help"]);
		expect(run.code).toBe(0);
		expect(run.stdout).toContain("Examples:\n  $ weft");
		const program = createProgram(() => {});
		for (const name of names) {
			const command = program.commands.find((c) => c.name() === name);
			let text = "";
			command?.configureOutput({
				writeOut: (s) => {
					text += s;
				},
			});
			command?.outputHelp();
			expect(text, name).toContain("Examples:\n  $ weft");
			if (name === "run") expect(text).toBe(run.stdout);
		}
	});

	it("replays as a new branch and continues a stopped head, as the API means them", async () => {
		await weft([
			...db,
			"run",
			approval,
			"--thread",
			"r",
			"--input",
			'{"request":"x"}',
		]);
		await weft([...db, "approve", "r"]);
		const replay = await weft([...db, "--json", "replay", "r", "--from", "1"]);
		expect(replay.json).toMatchObject({ status: "interrupted" });
		const history = await weft([...db, "--json", "history", "r"]);
		const heads = history.json.filter((h: { head: boolean }) => h.head);
		expect(heads).toHaveLength(2);
		const text = await weft([...db, "history", "r"]);
		expect(text.stdout).toContain("branch");
		expect(text.stdout).toContain("(head)");
		const logs = await weft([...db, "--json", "logs", "r"]);
		expect(logs.json[0]).toMatchObject({ step: 0 });
	});

	// found by the outside new-user audit (2 Dec): the time since the parent checkpoint counted the wait for
	// the human (an approve read 12.5 s)
	it("logs give each step the run time it recorded, not the time since the step before", async () => {
		await weft([
			...db,
			"run",
			approval,
			"--thread",
			"t",
			"--input",
			'{"request":"x"}',
		]);
		await new Promise((r) => setTimeout(r, 400)); // the human takes a while
		await weft([...db, "approve", "t"]);
		const logs = (await weft([...db, "--json", "logs", "t"])).json as Array<{
			checkpointId: string;
			source: string;
			durationMs?: number;
		}>;
		const { SqliteCheckpointer } = await import("@weft/checkpoint-sqlite");
		const { readStepTiming } = await import("@weft/graph");
		const store = new SqliteCheckpointer({ path: db[1]! });
		try {
			for (const r of logs) {
				const timing = readStepTiming(
					(await store.getTuple({
						threadId: "t",
						checkpointId: r.checkpointId,
					}))!.checkpoint.metadata,
				);
				const recorded = Object.values(timing?.nodes ?? {}).flat();
				expect(r.durationMs, r.checkpointId).toBe(
					recorded.length === 0 ? undefined : Math.max(...recorded),
				);
			}
		} finally {
			store.close();
		}
		expect(logs.some((r) => r.durationMs !== undefined)).toBe(true);
	});

	it("watches a thread's steps from the store and ends with its status", async () => {
		await weft([
			...db,
			"run",
			agent,
			"--thread",
			"w",
			"--scopes",
			"mail:send",
			"-m",
			"Tell Bob hi",
		]);
		const watch = await weft([...db, "--json", "watch", "w"]);
		const events = watch.stdout
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l));
		expect(events.at(-1)).toEqual({
			type: "end",
			threadId: "w",
			status: "interrupted",
		});
		expect(
			events.flatMap((e: { toolCalls?: string[] }) => e.toolCalls ?? []),
		).toContain('lookup_email({"name":"Bob"})');
		const text = await weft([...db, "watch", "w"]);
		// the next command names the store the watch read
		expect(text.stdout).toContain(
			`interrupted · thread w · see \`weft --db ${db[1]} pending --thread w\``,
		);
		// piped, a wait for a thread not there yet says so instead of printing nothing
		const waiting = await weft([...db, "watch", "not-yet", "--wait"], {
			timeoutMs: 6000,
		});
		expect(waiting.stderr).toContain("waiting for thread not-yet to appear");
	});

	// Found from outside (6 Dec): on a thread with forks, watch printed every branch's steps in store
	// order, interleaved, the step numbers going back and forth and nothing saying which branch
	it("watches the newest branch of a thread with forks, and says how many others there are", async () => {
		const run = [...db, "run", approval, "--thread", "wb", "--input"];
		expect((await weft([...run, '{"request":"ship"}'])).code).toBe(0);
		const forked = await weft([
			...db,
			"fork",
			"wb",
			"--at",
			"0",
			"--set",
			"request=ship later",
		]);
		expect(forked.code, forked.stderr).toBe(0);
		const watch = await weft([...db, "--json", "watch", "wb"]);
		const steps = watch.stdout
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l))
			.filter((e: { type: string }) => e.type === "step");
		// the fork's branch: the input, then the update (the first run's step 1 is on the other branch)
		expect(
			steps.map((e: { step: number; source: string }) => [e.step, e.source]),
		).toEqual([
			[0, "input"],
			[1, "update"],
		]);
		const text = await weft([...db, "watch", "wb"]);
		expect(text.stdout).toContain("1 other branch not shown");
	});
});
