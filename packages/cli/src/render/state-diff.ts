import { create } from "jsondiffpatch";
import * as consoleFormatter from "jsondiffpatch/formatters/console";
import { contentText } from "./messages.ts";

// Items with an id (messages) are matched by id, so an unchanged message is never shown as moved.
const differ = create({
	objectHash: (item: object, index?: number) =>
		(item as { id?: string }).id ?? `$$index:${index}`,
	arrays: { detectMove: true, includeValueOnMove: false },
});

/** A readable, coloured diff of two states (plain data: messages already in their plain form). */
export function renderStateDiff(before: unknown, after: unknown): string {
	const a = JSON.parse(JSON.stringify(before ?? {}));
	const b = JSON.parse(JSON.stringify(after ?? {}));
	const delta = differ.diff(a, b);
	return delta === undefined
		? "(no differences)"
		: (consoleFormatter.format(delta, a) ?? "");
}

export { contentText };
