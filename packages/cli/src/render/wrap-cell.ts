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

/**
 * Wraps text to `width` columns between words (at spaces); a word longer than a line is broken as
 * `wrapCell` breaks it. An indented line's indent starts each line it wraps to (a value nested in a
 * request stays under its key). Colour codes are kept whole, and a colour open at a break is closed and
 * opened again on the next line.
 */
export function wrapWords(text: string, width: number): string {
	if (width < 1) return text;
	return text
		.split("\n")
		.map((line) => {
			if (stringWidth(line) <= width) return line;
			const indent = /^ */.exec(line)![0];
			// an indent that leaves under 20 columns is dropped: a word a line beats a deep margin
			const keep = width - indent.length >= 20 ? indent : "";
			const lines = wordLines(line.slice(indent.length), width - keep.length);
			return recolour(lines.map((l) => keep + l));
		})
		.join("\n");
}

/**
 * Wraps names and ids (`thread · node · id`) between words, never inside one: a word longer than `width`
 * keeps a line of its own, whole, for the terminal to fold (a copied id stays one id).
 */
export function wrapNames(text: string, width: number): string {
	return wrapWords(text, Math.max(width, ...text.split("\n").map(longestWord)));
}

/** The widest word (between spaces) of a line, in columns. */
export const longestWord = (line: string): number =>
	Math.max(0, ...line.split(" ").map((w) => stringWidth(w)));

/** The lines of `line` filled word by word (colour codes count as no width). */
function wordLines(line: string, width: number): string[] {
	const out: string[] = [];
	let current = "";
	for (const word of line.split(" ")) {
		const w = stringWidth(word);
		const used = stringWidth(current);
		if (current !== "" && used + 1 + w <= width) {
			current += ` ${word}`;
			continue;
		}
		if (current !== "") out.push(current);
		if (w <= width) {
			current = word;
			continue;
		}
		const pieces = wrapLine(word, width).split("\n");
		out.push(...pieces.slice(0, -1).map(stripReset));
		current = stripReset(pieces.at(-1)!);
	}
	out.push(current);
	return out;
}

const RESET = "\u001b[0m";
const stripReset = (s: string) =>
	s.endsWith(RESET) ? s.slice(0, -RESET.length) : s;

/** Each line opened with the colour codes seen before it and closed with a reset when any was seen. */
function recolour(lines: string[]): string {
	let codes = "";
	return lines
		.map((l) => {
			const opened = codes + l;
			codes += (l.match(CODES) ?? []).join("");
			return codes === "" ? opened : `${opened}${RESET}`;
		})
		.join("\n");
}

const CODES = new RegExp(
	`${ESC}\\[[0-?]*[ -/]*[@-~]|${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)`,
	"g",
);
