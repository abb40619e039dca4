/** One difference between two states. */
export interface StateDiff {
	path: Array<string | number>;
	kind: "added" | "removed" | "changed";
	before?: unknown;
	after?: unknown;
}

const KIND = { CREATE: "added", REMOVE: "removed", CHANGE: "changed" } as const;

type Diff = typeof import("microdiff")["default"];

/** The differences between two state values, as data (rendering is the caller's). */
export async function diffValues(
	a: Record<string, unknown>,
	b: Record<string, unknown>,
): Promise<StateDiff[]> {
	const { default: diff } = await import("microdiff");
	return diffWith(diff, a, b, []);
}

/**
 * microdiff's differences, and those inside `Map` and `Set` values (which microdiff sees as objects without
 * keys, so never as changed): a Map by entry (its key in the path, when a string or number), a Set as a
 * whole.
 */
function diffWith(
	diff: Diff,
	a: Record<string, unknown> | unknown[],
	b: Record<string, unknown> | unknown[],
	prefix: Array<string | number>,
): StateDiff[] {
	const out = diff(a, b, { cyclesFix: false }).map((d) => {
		const one: StateDiff = { path: [...prefix, ...d.path], kind: KIND[d.type] };
		if (d.type !== "CREATE") one.before = d.oldValue;
		if (d.type !== "REMOVE") one.after = d.value;
		return one;
	});
	for (const [path, x, y] of collections(a, b, prefix))
		out.push(...collectionDiff(diff, x, y, path));
	return out;
}

/** The Map and Set values found at the same path on both sides (through plain objects and arrays). */
function* collections(
	a: unknown,
	b: unknown,
	path: Array<string | number>,
): Generator<[Array<string | number>, unknown, unknown]> {
	if (Array.isArray(a) && Array.isArray(b)) {
		const n = Math.min(a.length, b.length);
		for (let i = 0; i < n; i++) yield* pair(a[i], b[i], [...path, i]);
		return;
	}
	if (!isPlain(a) || !isPlain(b)) return;
	for (const key of Object.keys(a))
		if (Object.hasOwn(b, key)) yield* pair(a[key], b[key], [...path, key]);
}

function* pair(
	x: unknown,
	y: unknown,
	path: Array<string | number>,
): Generator<[Array<string | number>, unknown, unknown]> {
	if (
		(x instanceof Map && y instanceof Map) ||
		(x instanceof Set && y instanceof Set)
	)
		yield [path, x, y];
	else yield* collections(x, y, path);
}

function collectionDiff(
	diff: Diff,
	x: unknown,
	y: unknown,
	path: Array<string | number>,
): StateDiff[] {
	if (x instanceof Map && y instanceof Map) {
		const keys = new Set([...x.keys(), ...y.keys()]);
		if (
			[...keys].every((k) => typeof k === "string" || typeof k === "number")
		) {
			const out: StateDiff[] = [];
			for (const k of keys as Set<string | number>) {
				const at = [...path, k];
				if (!y.has(k))
					out.push({ path: at, kind: "removed", before: x.get(k) });
				else if (!x.has(k))
					out.push({ path: at, kind: "added", after: y.get(k) });
				// the entry's values, diffed as the one item of two lists: paths [0, ...rest] → [...at, ...rest]
				else
					for (const d of diffWith(diff, [x.get(k)], [y.get(k)], []))
						out.push({ ...d, path: [...at, ...d.path.slice(1)] });
			}
			return out;
		}
	}
	return same(diff, x, y)
		? []
		: [{ path, kind: "changed", before: x, after: y }];
}

/** Whether two Maps or Sets hold the same (deeply equal) entries. */
function same(diff: Diff, x: unknown, y: unknown): boolean {
	const entries = (v: unknown) =>
		v instanceof Map ? [...v.entries()] : [...(v as Set<unknown>).values()];
	const xs = entries(x);
	const ys = entries(y);
	if (xs.length !== ys.length) return false;
	const left = [...ys];
	for (const e of xs) {
		const i = left.findIndex((f) => diffWith(diff, [e], [f], []).length === 0);
		if (i < 0) return false;
		left.splice(i, 1);
	}
	return true;
}

function isPlain(v: unknown): v is Record<string, unknown> {
	if (typeof v !== "object" || v === null) return false;
	const proto = Object.getPrototypeOf(v);
	return proto === Object.prototype || proto === null;
}
