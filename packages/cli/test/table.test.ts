import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stripVTControlCharacters } from "node:util";
import stringWidth from "string-width";
import { afterAll, describe, expect, it } from "vitest";
import { table, text } from "../src/render/table.ts";
import { wrapCell, wrapWords } from "../src/render/wrap-cell.ts";
import { root, weft } from "./run-cli.ts";

const yellow = (s: string) => `\u001b[33m${s}\u001b[39m`;
const dim = (s: string) => `\u001b[2m${s}\u001b[22m`;
const whole = new RegExp(`${"\u001b"}\\[[0-?]*[ -/]*[@-~]`, "g");
/** True when every ESC in the text starts a complete sequence: nothing a terminal would print as "[39m". */
const noBrokenEscapes = (s: string) => !s.replace(whole, "").includes("\u001b");

describe("wrapping words", () => {
	it("keeps an indented line's indent on the lines it wraps to (a draft inside a pending request)", () => {
		const draft =
			"    I ask Congress to support this initiative so that it succeeds.";
		expect(wrapWords(`draft:\n${draft}`, 30).split("\n")).toEqual([
			"draft:",
			"    I ask Congress to support",
			"    this initiative so that it",
			"    succeeds.",
		]);
	});
});

// Found from outside (6 Dec): at 20 columns the one-record-per-row fallback still printed values beside
// their names at 16 columns, 28 wide, which the terminal wrapped again
describe("a table narrower than any row, as records", () => {
	it("puts each value under its name when there is no room beside it", () => {
		const out = table(
			["thread", text("tool calls")],
			[
				[
					"office-1",
					'send_email({"to":"bob@example.com","body":"hello there"})',
				],
			],
			20,
		);
		const lines = stripVTControlCharacters(out).split("\n");
		for (const line of lines)
			expect(stringWidth(line), line).toBeLessThanOrEqual(20);
		expect(lines[0]).toBe("thread");
		expect(lines[1]).toBe("  office-1");
		expect(lines).toContain("tool calls");
	});
});

describe("tables with coloured cells", () => {
	it("never wraps a short coloured cell (the status column of `weft threads`)", () => {
		const out = table(
			["thread", "status", "next"],
			[["t1", yellow("interrupted"), dim("(end)")]],
			150,
		);
		const plain = stripVTControlCharacters(out);
		expect(plain).toContain(" interrupted ");
		expect(plain).toContain(" (end) ");
		// head, rule, one row, and the two borders: no continuation line
		expect(out.split("\n")).toHaveLength(5);
		expect(noBrokenEscapes(out)).toBe(true);
	});

	it("wraps a long coloured cell on a narrow screen without cutting a code, colour carried over", () => {
		const long = yellow(
			"approve send_email to bob@example.com about the Friday release",
		);
		const out = table(["thread", text("request")], [["t1", long]], 30);
		expect(noBrokenEscapes(out)).toBe(true);
		for (const line of out.split("\n"))
			expect(stringWidth(line)).toBeLessThanOrEqual(30);
		const cells = wrapCell(long, 10).split("\n");
		expect(cells.length).toBeGreaterThan(1);
		for (const line of cells) {
			expect(line.startsWith("\u001b[33m")).toBe(true);
			expect(stringWidth(line)).toBeLessThanOrEqual(10);
		}
		expect(stripVTControlCharacters(cells.join(""))).toBe(
			stripVTControlCharacters(long),
		);
	});

	it("does not wrap when there is no width limit (piped output)", () => {
		const id = `t1\n(branch 2: --checkpoint ${"7fc65dc19afb"})`;
		const out = table(
			["thread", "request"],
			[[id, "x".repeat(300)]],
			Number.POSITIVE_INFINITY,
		);
		expect(out).toContain("--checkpoint 7fc65dc19afb");
		expect(out).toContain("x".repeat(300));
	});
});

describe("tables in a pipe", () => {
	const dir = mkdtempSync(join(tmpdir(), "weft-table-"));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));
	const db = join(dir, "w.db");
	const module = join(root, "packages/cli/test/fixtures/one-token-graph.ts");

	it("keeps each row on one line whatever COLUMNS says (ids stay whole), and COLUMNS=0 breaks nothing", async () => {
		expect(
			(
				await weft([
					"--db",
					db,
					"run",
					module,
					"--thread",
					"a-long-thread-name",
				])
			).code,
		).toBe(0);
		for (const columns of ["20", "0", undefined]) {
			const r = await weft(["--db", db, "threads"], {
				env: { COLUMNS: columns },
			});
			expect(r.code).toBe(0);
			expect(r.stdout).toMatch(
				/│ a-long-thread-name │ done +│ \d+ +│ \(end\) +│/,
			);
			const h = await weft(["--db", db, "history", "a-long-thread-name"], {
				env: { COLUMNS: columns },
			});
			expect(h.code).toBe(0);
			const rows = h.stdout.split("\n").filter((l) => l.startsWith("│"));
			expect(rows.every((l) => !/^│ +│/.test(l))).toBe(true);
		}
	}, 120_000);
});
