import type { StateDiff } from "@weft/graph";
import { isMessage, type PlainMessage, plainValue } from "./render/messages.ts";

const same = (a: unknown, b: unknown) =>
	JSON.stringify(a) === JSON.stringify(b);
const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === "object" && v !== null;
/** A key that holds chat messages (or nothing yet): compared by message id, as the text diff does. */
const messageKey = (x: unknown, y: unknown) =>
	(x === undefined || (Array.isArray(x) && x.every(isMessage))) &&
	Array.isArray(y) &&
	y.length > 0 &&
	y.every(isMessage);

/**
 * `weft diff --json`: what changed between two states, as `{ path, kind, before?, after? }` entries
 * (the shape of `graph.diffStates`). Values are compared as the CLI prints them (`plainValue`), so
 * LangChain messages never show their class internals (`lc_kwargs`); a messages key is compared by
 * message id, path `[key, id]`, each message whole as `{ role, content, … }`; other values by path.
 */
export function stateDiffData(
	before: Record<string, unknown>,
	after: Record<string, unknown>,
): StateDiff[] {
	const out: StateDiff[] = [];
	for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
		const [x, y] = [before[key], after[key]];
		if (messageKey(x, y))
			out.push(...messageChanges(key, (x as unknown[]) ?? [], y as unknown[]));
		else
			valueChanges(
				[key],
				plainValue(x),
				plainValue(y),
				key in before,
				key in after,
				out,
			);
	}
	return out;
}

function messageChanges(
	key: string,
	before: unknown[],
	after: unknown[],
): StateDiff[] {
	const idOf = (m: PlainMessage, i: number) => m.id ?? `#${i}`;
	const a = new Map(
		before.map((m, i) => {
			const p = plainValue(m) as PlainMessage;
			return [idOf(p, i), p];
		}),
	);
	const out: StateDiff[] = [];
	const seen = new Set<string>();
	for (const [i, m] of after.entries()) {
		const p = plainValue(m) as PlainMessage;
		const id = idOf(p, i);
		seen.add(id);
		const old = a.get(id);
		if (old === undefined)
			out.push({ path: [key, id], kind: "added", after: p });
		else if (!same(old, p))
			out.push({ path: [key, id], kind: "changed", before: old, after: p });
	}
	for (const [id, m] of a)
		if (!seen.has(id))
			out.push({ path: [key, id], kind: "removed", before: m });
	return out;
}

/** Plain JSON values compared by path: objects and arrays entry by entry, anything else whole. */
function valueChanges(
	path: Array<string | number>,
	x: unknown,
	y: unknown,
	inX: boolean,
	inY: boolean,
	out: StateDiff[],
): void {
	if (!inX) {
		out.push({ path, kind: "added", after: y });
		return;
	}
	if (!inY) {
		out.push({ path, kind: "removed", before: x });
		return;
	}
	if (isObject(x) && isObject(y) && Array.isArray(x) === Array.isArray(y)) {
		const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
		for (const k of keys) {
			const step = Array.isArray(x) ? Number(k) : k;
			valueChanges(
				[...path, step],
				x[k as never],
				y[k as never],
				k in x,
				k in y,
				out,
			);
		}
		return;
	}
	if (!same(x, y)) out.push({ path, kind: "changed", before: x, after: y });
}
