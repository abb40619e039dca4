/** A bad option's value as an error message shows it: a short value as it is, else its kind. */
export function shown(value: unknown): string {
	if (typeof value === "string") return JSON.stringify(value);
	if (value === null || typeof value !== "object")
		return typeof value === "function" ? "a function" : String(value);
	return Array.isArray(value) ? "an array" : "an object";
}
