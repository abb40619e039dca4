const LONGEST = 200;

/**
 * What a thrown value says, for an error message: an `Error`'s message, a string as it is, an object's
 * string `message`, else the value as JSON (cut at 200 characters) or `String(value)` — not
 * `[object Object]`.
 */
export function thrownMessage(value: unknown): string {
	if (value instanceof Error) return value.message;
	if (typeof value === "string") return value;
	if (typeof value !== "object" || value === null) return String(value);
	const message = (value as { message?: unknown }).message;
	if (typeof message === "string") return message;
	let json: string | undefined;
	try {
		json = JSON.stringify(value);
	} catch {
		// circular or a BigInt inside: as String() says it
	}
	if (json === undefined) return String(value);
	return json.length > LONGEST ? `${json.slice(0, LONGEST)}…` : json;
}
