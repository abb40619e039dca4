/**
 * Whether a question asked now is the one recorded (decision 0174): plain data (primitives, arrays, plain
 * objects, Dates) compared by value; a class instance anywhere (a chat message, a registered type) counts
 * as the same, as before this check, since a stored one comes back as another object.
 */
export function sameRequest(recorded: unknown, asked: unknown): boolean {
	// === with NaN equal to itself (and -0 to 0: JSON stores -0 as 0)
	if (recorded === asked || (Number.isNaN(recorded) && Number.isNaN(asked)))
		return true;
	if (
		typeof recorded !== "object" ||
		typeof asked !== "object" ||
		recorded === null ||
		asked === null
	)
		return false;
	if (Array.isArray(recorded) || Array.isArray(asked)) {
		if (!Array.isArray(recorded) || !Array.isArray(asked)) return false;
		if (recorded.length !== asked.length) return false;
		for (let i = 0; i < recorded.length; i++)
			if (!sameRequest(recorded[i], asked[i])) return false;
		return true;
	}
	if (recorded instanceof Date && asked instanceof Date)
		return recorded.getTime() === asked.getTime();
	if (!plain(recorded) || !plain(asked)) return true;
	const a = recorded as Record<string, unknown>;
	const b = asked as Record<string, unknown>;
	let count = 0;
	for (const key in a) {
		// a key set to undefined is not stored: missing and undefined are the same
		if (a[key] === undefined) continue;
		count++;
		if (!sameRequest(a[key], b[key])) return false;
	}
	for (const key in b) if (b[key] !== undefined) count--;
	return count === 0;
}

function plain(v: object): boolean {
	const proto = Object.getPrototypeOf(v);
	return proto === Object.prototype || proto === null;
}
