// The status line redrawn in place never wraps (outside audit, 5 Dec: at 1 column it was cut to 10
// characters, wider than the screen, so each redraw left a row behind).
import stringWidth from "string-width";
import { describe, expect, it } from "vitest";
import { LiveLine } from "../src/render/live-line.ts";

/** A terminal `columns` wide that keeps what was written. */
function terminal(columns: number) {
	const written: string[] = [];
	const stream = {
		columns,
		writableNeedDrain: false,
		write: (s: string) => {
			written.push(s);
			return true;
		},
	} as unknown as NodeJS.WriteStream;
	return { stream, written };
}

/** The widths of the status lines drawn (`\r` + line + erase to the end of the line). */
const drawn = (written: string[]) =>
	written
		.filter((w) => w.startsWith("\r") && w.length > "\r\u001b[K".length)
		.map((w) => stringWidth(w.slice(1, -"\u001b[K".length)));

describe("the live status line", () => {
	for (const columns of [1, 2, 5, 10, 80])
		it(`stays within a ${columns}-column terminal`, () => {
			const { stream, written } = terminal(columns);
			const line = new LiveLine(
				stream,
				() =>
					"watching thread-1234 · running · step 7 · 1.2s since the last step",
			);
			line.render();
			line.print("step 7 agent  wrote messages");
			line.stop();
			const widths = drawn(written);
			expect(widths.length).toBe(2);
			for (const w of widths) expect(w).toBeLessThan(Math.max(columns, 2));
			expect(widths[0]).toBeGreaterThan(0);
		});

	it("shows a control character of its text as \\xNN", () => {
		const { stream, written } = terminal(80);
		const line = new LiveLine(stream, () => "thread a\u001b]0;x\u0007b");
		line.render();
		line.stop();
		expect(written[0]).toBe("\rthread a\\x1b]0;x\\x07b\u001b[K");
	});
});
