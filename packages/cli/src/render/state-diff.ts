import pc from "picocolors";
import {
	isMessage,
	messageLine,
	type PlainMessage,
	plainValue,
} from "./messages.ts";
import { valueText } from "./values.ts";

const same = (a: unknown, b: unknown) =>
	JSON.stringify(a) === JSON.stringify(b);
const isMessageList = (v: unknown): v is unknown[] =>
	Array.isArray(v) && v.length > 0 && v.every(isMessage);

/** Messages compared by id: added, changed and removed ones; unchanged ones are counted, not shown. */
function messagesDiff(before: unknown[], after: unknown[]): string[] {
	const a = before.map((m) => plainValue(m) as PlainMessage);
	const b = after.map((m) => plainValue(m) as PlainMessage);
	const byId = new Map(a.map((m, i) => [m.id ?? `#${i}`, m]));
	const kept = new Set<string>();
	const lines: string[] = [];
	let unchanged = 0;
	for (const [i, m] of b.entries()) {
		const id = m.id ?? `#${i}`;
		const old = byId.get(id);
		kept.add(id);
		if (old === undefined) lines.push(pc.green(`+ ${messageLine(m)}`));
		else if (!same(old, m))
			lines.push(
				pc.red(`- ${messageLine(old)}`),
				pc.green(`+ ${messageLine(m)}`),
			);
		else unchanged++;
	}
	for (const [id, m] of byId)
		if (!kept.has(id)) lines.push(pc.red(`- ${messageLine(m)}`));
	if (unchanged > 0)
		lines.unshift(
			pc.dim(`  (${unchanged} unchanged message${unchanged === 1 ? "" : "s"})`),
		);
	return lines;
}

const indent = (text: string, mark: string) =>
	text
		.split("\n")
		.map((l, i) => (i === 0 ? `${mark} ${l}` : `  ${l}`))
		.join("\n");

/**
 * A readable diff of two states, key by key: messages by id (`+`/`-` as `role: text`), other values as
 * before and after. Keys whose value did not change are left out.
 */
export function renderStateDiff(
	before: Record<string, unknown>,
	after: Record<string, unknown>,
): string {
	const out: string[] = [];
	for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
		const [x, y] = [before[key], after[key]];
		if (same(plainValue(x), plainValue(y))) continue;
		out.push(pc.bold(`${key}:`));
		if (
			(isMessageList(x) ||
				x === undefined ||
				(Array.isArray(x) && x.length === 0)) &&
			isMessageList(y)
		)
			out.push(
				...messagesDiff(Array.isArray(x) ? x : [], y).map((l) => `  ${l}`),
			);
		else {
			if (key in before) out.push(pc.red(indent(valueText(x), "  -")));
			if (key in after) out.push(pc.green(indent(valueText(y), "  +")));
		}
	}
	return out.length === 0 ? "(no differences)" : out.join("\n");
}
