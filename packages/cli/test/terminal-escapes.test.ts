// Text a run made reaches the terminal without its control characters (outside audit, 5 Dec): a model's
// answer or a state string can carry escape sequences (prompt injection) that would clear the screen,
// retitle the window or write the clipboard; `--json` keeps the value as it is (JSON escapes them).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { printable } from "../src/render/messages.ts";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 300_000 });

const module = join(root, "examples/src/human-approval.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-escapes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("control characters in what a run made", () => {
	it("printable escapes control characters but line breaks and tabs", () => {
		expect(printable("a\u001b[2Jb\u0007c\rd\u009be\tf\ng")).toBe(
			"a\\x1b[2Jb\\x07c\\x0dd\\x9be\tf\ng",
		);
		expect(printable("plain — text ✓")).toBe("plain — text ✓");
	});

	it("shows a state string's escape sequence as text; --json keeps the value", async () => {
		const db = ["--db", join(dir, "a.db")];
		const evil = "ship \u001b[2J\u001b]0;pwned\u0007 now";
		await weft([
			...db,
			"run",
			module,
			"--thread",
			"t1",
			"--input",
			JSON.stringify({ request: evil }),
		]);
		const shown = await weft([...db, "show", "t1"]);
		expect(shown.code).toBe(0);
		expect(shown.stdout).not.toContain("\u001b[2J");
		expect(shown.stdout).not.toContain("\u0007");
		expect(shown.stdout).toContain("ship \\x1b[2J\\x1b]0;pwned\\x07 now");
		const json = await weft([...db, "--json", "show", "t1"]);
		expect(JSON.parse(json.stdout).values.request).toBe(evil);
	});

	it("refuses a --thread with a control character before making the database", async () => {
		const file = join(dir, "b.db");
		const r = await weft([
			"--db",
			file,
			"run",
			module,
			"--thread",
			"evil\u001b[2J\nline",
			"--input",
			'{"request":"x"}',
		]);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/^error USAGE .*control character/);
		expect(existsSync(file)).toBe(false);
	});
});
