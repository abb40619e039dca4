import cliTruncate from "cli-truncate";
import pc from "picocolors";
import {
	isMessage,
	messageLine,
	type PlainMessage,
	plainValue,
} from "./messages.ts";
import { printable } from "./printable.ts";

/** Each line of `text` after `pad`. */
export const indent = (text: string, pad: string) =>
	text
		.split("\n")
		.map((l) => pad + l)
		.join("\n");

/** A value as text: strings as they are (real line breaks), messages as `role: text`, the rest as JSON. */
export function valueText(value: unknown): string {
	const plain = plainValue(value);
	if (typeof plain === "string") return printable(plain);
	if (Array.isArray(value) && value.length > 0 && value.every(isMessage))
		return (plain as PlainMessage[]).map(messageLine).join("\n");
	if (isMessage(value)) return messageLine(plain as PlainMessage);
	return JSON.stringify(plain, null, 2);
}

/** A state as `key:` blocks, one per key. */
export function stateText(values: Record<string, unknown>): string {
	return Object.entries(values)
		.map(([key, v]) => {
			const text = valueText(v);
			return text.includes("\n") || (Array.isArray(v) && v.length > 0)
				? `${pc.bold(`${key}:`)}\n${indent(text, "  ")}`
				: `${pc.bold(`${key}:`)} ${text}`;
		})
		.join("\n");
}

/** One line of at most `width` columns (for table cells that must not wrap). */
export const oneLine = (text: string, width: number) =>
	cliTruncate(text.replace(/\s+/g, " ").trim(), Math.max(width, 4));
