// Commands printed for the user to paste quote the paths in them: a folder with a space is one word.
import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { weft } from "./run-cli.ts";

const dir = realpathSync(mkdtempSync(join(tmpdir(), "weft-hints-")));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("printed commands with paths", () => {
	it("weft init into a folder with a space prints a cd that a shell runs as printed", async () => {
		const target = join(dir, "my agent's");
		const r = await weft(["init", target]);
		expect(r.code).toBe(0);
		const cd = /^ {2}(cd .*?) && pnpm install/m.exec(r.stdout)?.[1];
		expect(cd).toBe(`cd '${dir}/my agent'\\''s'`);
		expect(
			execFileSync("sh", ["-c", `${cd} && pwd`], { encoding: "utf8" }),
		).toBe(`${target}\n`);
	}, 60_000);
});
