/** One difference between two states. */
export interface StateDiff {
	path: Array<string | number>;
	kind: "added" | "removed" | "changed";
	before?: unknown;
	after?: unknown;
}

const KIND = { CREATE: "added", REMOVE: "removed", CHANGE: "changed" } as const;

/** The differences between two state values, as data (rendering is the caller's). */
export async function diffValues(
	a: Record<string, unknown>,
	b: Record<string, unknown>,
): Promise<StateDiff[]> {
	const { default: diff } = await import("microdiff");
	return diff(a, b, { cyclesFix: false }).map((d) => {
		const out: StateDiff = { path: d.path, kind: KIND[d.type] };
		if (d.type !== "CREATE") out.before = d.oldValue;
		if (d.type !== "REMOVE") out.after = d.value;
		return out;
	});
}
