/**
 * A control character other than a line break or a tab (C0, DEL, C1), or an invisible one that reorders or
 * hides text: the bidirectional marks, embeddings, overrides and isolates (a right-to-left override makes
 * "bob@evil.com" read as another address), a zero-width space, word joiner or byte order mark. The
 * zero-width joiner, which joins emoji, stays.
 */
const CONTROL =
	// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is escaped
	/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
/** The same, except the escape that starts a colour (SGR: `ESC [ … m`), the only sequence the CLI writes in its text. */
const CONTROL_BUT_COLOUR =
	// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is escaped
	/\u001b(?!\[[0-9;]*m)|[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;

/** `\xNN` for a character up to U+00FF, `\uNNNN` above. */
const escaped = (c: string) => {
	const code = c.charCodeAt(0);
	return code <= 0xff
		? `\\x${code.toString(16).padStart(2, "0")}`
		: `\\u${code.toString(16).padStart(4, "0")}`;
};

/**
 * Text a run made (a model's answer, a string in the state, a tool's name) as a terminal may show it:
 * control characters other than line breaks and tabs as `\xNN`. A model's text can carry escape
 * sequences (prompt injection) that would clear the screen, retitle the window or write the clipboard.
 */
export function printable(text: string): string {
	return text.replace(CONTROL, escaped);
}

/**
 * `printable` for text the CLI has already coloured: a table's cells, a line, an error. Colours stay;
 * every other control character, from whatever data the text holds (a thread id made through the
 * library, an error message naming it), is shown as `\xNN`. A colour in the data stays a colour.
 */
export function printableStyled(text: string): string {
	return text.replace(CONTROL_BUT_COLOUR, escaped);
}
