// Found from outside (7 Dec): one Ctrl-C on `pnpm weft dev` often killed the server at once (exit 130),
// abandoning the run in flight: `weft dev` listened with `process.once`, and tsx (which `pnpm weft` runs
// through) relays the terminal's SIGINT again when the process is slow to confirm it, which then found
// nobody listening. A repeat within moments is the same Ctrl-C; a later one stops at once, saying what is
// abandoned (decision 0229).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import {
	type ServerProcess,
	startWeft,
} from "../../server/test/fixtures/weft-dev.ts";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 180_000 });

// its one node waits for the file WEFT_TTY_RELEASE names (and ignores its abort signal)
const slow = join(root, "packages/cli/test/fixtures/waiting-graph.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-dev-signals-"));
const started: ServerProcess[] = [];
afterAll(async () => {
	await Promise.all(started.map((p) => p.stop("SIGKILL")));
	rmSync(dir, { recursive: true, force: true });
});

/** `weft dev` serving the slow graph, with a run of it running on thread `t`. */
async function devWithRunningRun(name: string) {
	const db = join(dir, `${name}.db`);
	const release = join(dir, `${name}-release`);
	const server = await startWeft(
		[
			"--db",
			db,
			"dev",
			"--graph",
			`slow=${slow}#graph`,
			"--port",
			"0",
			"--shutdown-grace",
			"120s",
		],
		{ WEFT_TTY_RELEASE: release },
	);
	started.push(server);
	const exited = new Promise<number | null>((resolve) => {
		if (server.child.exitCode !== null) resolve(server.child.exitCode);
		server.child.once("exit", (code) => resolve(code));
	});
	const post = async (path: string, body: unknown) =>
		(await fetch(`${server.url}${path}`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify(body),
		}).then((r) => r.json())) as Record<string, string>;
	await post("/threads", { thread_id: "t" });
	const run = await post("/threads/t/runs", {
		assistant_id: "slow",
		input: {},
	});
	// running, and inside its node (a node that failed would end the run)
	for (;;) {
		const now = await fetch(`${server.url}/threads/t/runs/${run.run_id}`);
		const { status } = (await now.json()) as { status: string };
		if (status !== "running" && status !== "pending")
			throw new Error(`the run is ${status}:\n${server.output()}`);
		const state = await fetch(`${server.url}/threads/t/state`);
		if (((await state.json()) as { next?: string[] }).next?.[0] === "wait")
			break;
		await new Promise((r) => setTimeout(r, 50));
	}
	let ended = false;
	void exited.then(() => {
		ended = true;
	});
	/** Resolves once the output holds `text`, or the process has ended. */
	const saw = async (text: string) => {
		while (!ended && !server.output().includes(text))
			await new Promise((r) => setTimeout(r, 50));
	};
	return { db, release, server, exited, saw };
}

describe("weft dev on Ctrl-C", () => {
	it("takes one SIGINT delivered twice (as tsx relays it) as one: the run in flight finishes, exit 0", async () => {
		const { db, release, server, exited, saw } =
			await devWithRunningRun("twice");
		server.child.kill("SIGINT");
		server.child.kill("SIGINT");
		await saw("weft dev: stopping");
		writeFileSync(release, "");
		expect(await exited, server.output()).toBe(0);
		expect(server.output()).not.toContain("stopped at once");
		const threads = await weft(["--db", db, "--json", "threads"]);
		expect(threads.json?.[0]).toMatchObject({
			threadId: "t",
			status: "done",
			lease: null,
		});
	});

	it("stops at once on a second Ctrl-C, saying what it abandons and how to go on", async () => {
		const { server, exited, saw } = await devWithRunningRun("again");
		server.child.kill("SIGINT");
		await saw("weft dev: stopping");
		// a person's second Ctrl-C, not the first relayed again
		await new Promise((r) => setTimeout(r, 800));
		server.child.kill("SIGINT");
		expect(await exited).toBe(130);
		expect(server.output()).toContain(
			"stopped at once: the runs in flight were abandoned",
		);
		expect(server.output()).toContain("weft recover <thread>");
	});
});
