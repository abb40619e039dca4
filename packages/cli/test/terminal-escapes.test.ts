// Text a run made reaches the terminal without its control characters (outside audit, 5 Dec): a model's
// answer or a state string can carry escape sequences (prompt injection) that would clear the screen,
// retitle the window or write the clipboard; `--json` keeps the value as it is (JSON escapes them).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, describe, expect, it, vi } from "vitest";
import { refuseUnprintableThread } from "../src/commands/run.ts";
import { printable, printableStyled } from "../src/render/printable.ts";
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

	// Found from outside (6 Dec): a right-to-left override in a model's text reorders how the rest of the
	// line reads (an approval request showing another address than the one the tool gets)
	it("escapes the invisible characters that reorder or hide text, keeping emoji whole", () => {
		expect(printable("send to \u202emoc.live@bob\u202c now")).toBe(
			"send to \\u202emoc.live@bob\\u202c now",
		);
		expect(printable("a\u2066b\u2069c\u200fd\u200be\ufefff\u061cg")).toBe(
			"a\\u2066b\\u2069c\\u200fd\\u200be\\ufefff\\u061cg",
		);
		// a family emoji is joined by zero-width joiners: left whole
		expect(printable("\u{1F468}\u200d\u{1F469}\u200d\u{1F467} שלום")).toBe(
			"\u{1F468}\u200d\u{1F469}\u200d\u{1F467} שלום",
		);
		expect(printableStyled("\u001b[1mx\u001b[22m\u202e")).toBe(
			"\u001b[1mx\u001b[22m\\u202e",
		);
	});

	it("printableStyled keeps the CLI's colours and escapes every other control character", () => {
		expect(
			printableStyled(
				"\u001b[32mok\u001b[0m \u001b]0;t\u0007\u001b[2J\rx\ty\nz",
			),
		).toBe("\u001b[32mok\u001b[0m \\x1b]0;t\\x07\\x1b[2J\\x0dx\ty\nz");
		expect(printableStyled("\\x1b stays as typed")).toBe(
			"\\x1b stays as typed",
		);
	});

	it("lists a thread id made through the library, and names it in an error, without its escapes", async () => {
		const file = join(dir, "library.db");
		const evil = "lib\u001b]0;pwned\u0007\u001b[2J\rid";
		const store = new SqliteCheckpointer({ path: file });
		await store.setThreadStatus(evil, "done");
		await store.setThreadStatus("plain", "done");
		await store.close();
		const shownId = "lib\\x1b]0;pwned\\x07\\x1b[2J\\x0did";
		/** The data's control characters, as they would reach a terminal unescaped. */
		const raw = (text: string) =>
			["\u001b]", "\u0007", "\r", "\u001b[2J"].some((c) => text.includes(c));
		const listed = await weft(["--db", file, "threads"]);
		expect(listed.code).toBe(0);
		expect(raw(listed.stdout)).toBe(false);
		expect(listed.stdout).not.toContain("\u001b");
		expect(listed.stdout).toContain(shownId);
		// the escaped id is measured as it is shown: every line of the table has one width
		const widths = new Set(
			listed.stdout
				.trimEnd()
				.split("\n")
				.map((l) => [...l].length),
		);
		expect(widths.size).toBe(1);
		// in colour too: the CLI's colours stay, the data's escapes do not
		const coloured = await weft(["--db", file, "threads"], {
			env: { NO_COLOR: undefined, FORCE_COLOR: "1" },
		});
		expect(coloured.stdout).toContain("\u001b[");
		expect(raw(coloured.stdout)).toBe(false);
		// a thread the store does not have: the error's message names the id as given
		const missing = await weft(["--db", file, "show", `${evil}-gone`]);
		expect(missing.code).toBe(2);
		expect(raw(missing.stderr)).toBe(false);
		expect(missing.stderr).toContain(`${shownId}-gone`);
		// scripts get the id as it is
		const json = await weft(["--db", file, "--json", "threads"]);
		expect(json.json.map((t: { threadId: string }) => t.threadId)).toContain(
			evil,
		);
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

	it("refuses a --thread with a tab or a line break too: a listing would break its table", () => {
		for (const id of ["a\tb", "a\nb", "a\rb", "evil\u001b[2J"])
			expect(() => refuseUnprintableThread(id), JSON.stringify(id)).toThrow(
				/control character/,
			);
		expect(() => refuseUnprintableThread("office-1 (été)")).not.toThrow();
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
