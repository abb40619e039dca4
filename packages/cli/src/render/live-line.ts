import cliTruncate from "cli-truncate";
import { printableStyled } from "./printable.ts";
import { columns } from "./terminal.ts";

/**
 * One status line redrawn in place (`\r` + text + erase to end of line; the text's own control
 * characters escaped, so that only these two move the cursor), cut to the terminal's width so it never
 * wraps: no cursor-up escapes, so nothing can loop on a terminal that reports 0 columns.
 * A tick redraws it (for a ticking timer) unless the terminal is still draining earlier output: the
 * display never makes the run wait.
 */
export class LiveLine {
	readonly #stream: NodeJS.WriteStream;
	readonly #text: () => string;
	#timer: NodeJS.Timeout | undefined;
	#shown = false;

	constructor(stream: NodeJS.WriteStream, text: () => string) {
		this.#stream = stream;
		this.#text = text;
	}

	start(tickMs = 100): void {
		this.render();
		this.#timer = setInterval(() => this.render(), tickMs);
		this.#timer.unref();
	}

	render(): void {
		if (this.#stream.writableNeedDrain) return;
		const line = cliTruncate(
			printableStyled(this.#text()),
			// one column short of the screen, however narrow: a line as wide as it or wider wraps, and `\r`
			// then redraws only its last row
			Math.max(columns(this.#stream) - 1, 1),
		);
		this.#stream.write(`\r${line}\u001b[K`);
		this.#shown = true;
	}

	/** Prints a line above the status line. */
	print(line: string): void {
		this.#clear();
		this.#stream.write(`${printableStyled(line)}\n`);
		this.render();
	}

	stop(): void {
		if (this.#timer !== undefined) clearInterval(this.#timer);
		this.#timer = undefined;
		this.#clear();
	}

	#clear(): void {
		if (this.#shown) this.#stream.write("\r\u001b[K");
		this.#shown = false;
	}
}
