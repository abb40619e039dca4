// Fuzz failures found on main that wait for a fix elsewhere: the fuzz tests accept these (and report
// how many they met) and fail on any other. Each names the missing piece; remove an entry with its fix.
export interface KnownGap {
	/** A part of the failure line ("<case>: <result>"). */
	match: string;
	missing: string;
}

export const KNOWN_GAPS: readonly KnownGap[] = [
	{
		match: "listThreads null: untyped",
		missing:
			"stores: listThreads(null) options are not checked (memory, SQLite, Postgres)",
	},
	{
		match: 'getStateHistory {"filter":{"k":"10n"}}: untyped',
		missing:
			"stores: a list filter holding a BigInt is not refused with CONFIG_INVALID",
	},
];

export function isKnownGap(line: string): boolean {
	return KNOWN_GAPS.some((g) => line.includes(g.match));
}
