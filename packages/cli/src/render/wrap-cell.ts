import stringWidth from "string-width";

const ESC = "\u001b";
const BEL = "\u0007";
// An escape sequence: CSI (colours, `ESC [ … m`) or OSC (hyperlinks, `ESC ] … BEL|ST`).
const ESCAPE = new RegExp(
	`${ESC}\\[[0-?]*[ -/]*[@-~]|${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)`,
	"y",
);
const graphemes = new Intl.Segmenter();

/**
 * Wraps a table cell to `width` visible columns. Escape sequences are never split and take no room;
 * a line that breaks inside a colour is closed with a reset and the colour is opened again on the
 * next line, so a terminal never shows half a code ("[39m") and borders keep their own colour. A cell
 * that fits is returned as it is.
 */
export function wrapCell(text: string, width: number): string {
	if (width < 1) return text;
	return text
		.split("\n")
		.map((line) => (stringWidth(line) <= width ? line : wrapLine(line, width)))
		.join("\n");
}

function wrapLine(line: string, width: number): string {
	const out: string[] = [];
	let current = "";
	let used = 0;
	// every escape seen so far on this cell line: replayed in order, they restore its colour state
	let codes = "";
	let i = 0;
	while (i < line.length) {
		ESCAPE.lastIndex = i;
		const code = ESCAPE.exec(line);
		if (code !== null) {
			current += code[0];
			codes += code[0];
			i += code[0].length;
			continue;
		}
		const next = line.indexOf(ESC, i);
		const plain = line.slice(i, next === -1 ? line.length : next);
		for (const { segment } of graphemes.segment(plain)) {
			const w = stringWidth(segment);
			if (used + w > width && used > 0) {
				out.push(codes === "" ? current : `${current}\u001b[0m`);
				current = codes;
				used = 0;
			}
			current += segment;
			used += w;
		}
		// a lone ESC that starts no known sequence is kept as text
		i += plain.length === 0 ? 1 : plain.length;
		if (plain.length === 0) current += line[i - 1];
	}
	out.push(current);
	return out.join("\n");
}
