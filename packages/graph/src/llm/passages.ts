/** A piece of a document that a retriever returns on its own. */
export interface Passage {
	source: string;
	passage: number;
	text: string;
}

/**
 * Splits text (plain or markdown) into passages of about `maxChars`: paragraphs are kept whole and
 * joined up to the limit, a markdown heading starts a new passage, and an overlong paragraph is cut at
 * sentence ends.
 */
export function splitPassages(
	source: string,
	text: string,
	maxChars = 800,
): Passage[] {
	const blocks = text
		.replace(/\r\n/g, "\n")
		.split(/\n\s*\n/)
		.map((b) => b.trim())
		.filter((b) => b !== "")
		.flatMap((b) => (b.length > maxChars ? bySentence(b, maxChars) : [b]));
	const out: string[] = [];
	let current = "";
	for (const block of blocks) {
		const heading = /^#{1,6}\s/.test(block);
		if (
			current !== "" &&
			(heading || current.length + block.length + 2 > maxChars)
		) {
			out.push(current);
			current = "";
		}
		current = current === "" ? block : `${current}\n\n${block}`;
	}
	if (current !== "") out.push(current);
	return out.map((t, passage) => ({ source, passage, text: t }));
}

function bySentence(block: string, maxChars: number): string[] {
	const sentences = block.match(/[^.!?]+[.!?]*\s*/g) ?? [block];
	const out: string[] = [];
	let current = "";
	for (const s of sentences) {
		if (current !== "" && current.length + s.length > maxChars) {
			out.push(current.trim());
			current = "";
		}
		current += s;
	}
	if (current.trim() !== "") out.push(current.trim());
	return out;
}
