/** A control character other than a line break or a tab (C0, DEL, C1). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is escaped
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** The same, except the escape that starts a colour (SGR: `ESC [ … m`), the only sequence the CLI writes in its text. */
const CONTROL_BUT_COLOUR =
	// biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is escaped
	/\u001b(?!\[[0-9;]*m)|[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f-\u009f]/g;

const escaped = (c: string) =>
	`\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;

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
