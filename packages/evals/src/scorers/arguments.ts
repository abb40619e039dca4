// What a built-in scorer refuses when it is built: an argument with which it would pass (or fail) every
// case without a word.
import { ConfigError } from "@weft/checkpoint";

/** Throws CONFIG_INVALID: `message` names the scorer and the argument, `hint` what to pass. */
export function badArgument(message: string, hint: string): never {
	throw new ConfigError("CONFIG_INVALID", message, { hint });
}

/** A string with something in it besides white space. */
export const isText = (v: unknown): v is string =>
	typeof v === "string" && v.trim() !== "";

/** How a value is named in a message: strings quoted, the rest as they print. */
export function shown(value: unknown): string {
	if (typeof value === "string") return JSON.stringify(value);
	if (Array.isArray(value)) return `[${value.map(shown).join(", ")}]`;
	return String(value);
}
