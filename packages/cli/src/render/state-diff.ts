import { create } from "jsondiffpatch";
import * as consoleFormatter from "jsondiffpatch/formatters/console";

const differ = create({
	objectHash: (item: object, index?: number) =>
		(item as { id?: string }).id ?? `$$index:${index}`,
});

/** A readable, coloured diff of two states (jsondiffpatch's console format). */
export function renderStateDiff(before: unknown, after: unknown): string {
	const delta = differ.diff(
		JSON.parse(JSON.stringify(before)),
		JSON.parse(JSON.stringify(after)),
	);
	return delta === undefined
		? "(no differences)"
		: (consoleFormatter.format(delta, before) ?? "");
}
