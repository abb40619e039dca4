import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { root, weftCommand } from "./run-cli.ts";

// Reads the CLI's live display as a person would: in a real terminal (tmux), by looking at the screen.
const hasTmux = (() => {
	try {
		execFileSync("tmux", ["-V"]);
		return true;
	} catch {
		process.stderr.write(
			"notice: tmux is not installed: the terminal display test is skipped\n",
		);
		return false;
	}
})();

const session = `weft-tty-${process.pid}`;
const tmux = (...args: string[]) =>
	execFileSync("tmux", args, { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-t", session);
const until = async (test: (s: string) => boolean, ms = 20_000) => {
	const end = Date.now() + ms;
	while (Date.now() < end) {
		const s = screen();
		if (test(s)) return s;
		await new Promise((r) => setTimeout(r, 100));
	}
	throw new Error(`screen never matched:\n${screen()}`);
};

describe.skipIf(!hasTmux)("weft run in a terminal", () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-tty-"));
	afterAll(() => {
		try {
			tmux("kill-session", "-t", session);
		} catch {
			// already gone
		}
		rmSync(dir, { recursive: true, force: true });
	});

	it("shows the step, the nodes running, streamed tokens and elapsed time, then the result", async () => {
		const module = fileURLToPath(
			new URL("./fixtures/slow-graph.ts", import.meta.url),
		);
		const release = join(dir, "release");
		// ora (the spinner) stays quiet when CI is set, as a CI log wants; a person's terminal has no CI.
		const command = `env -u CI WEFT_TTY_RELEASE=${release} ${weftCommand.join(" ")} --db ${join(dir, "w.db")} run ${module} --thread tty`;
		tmux(
			"new-session",
			"-d",
			"-s",
			session,
			"-x",
			"160",
			"-y",
			"30",
			"-c",
			root,
			`${command}; sleep 30`,
		);
		const live = await until(
			(s) => /running think/.test(s) && /threads/.test(s),
		);
		expect(live).toMatch(/step 1 · running think · \d+\.\ds · \d+ tokens/);
		writeFileSync(release, "");
		const done = await until((s) => /done · thread tty/.test(s));
		expect(done).toMatch(/step 1 think wrote text/);
		expect(done).toMatch(/step 2 write wrote text/);
		expect(done).not.toMatch(/running write/);
	}, 60_000);
});
