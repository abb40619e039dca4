import { readFileSync } from "node:fs";
import { UsageError } from "./cli-error.ts";

/** Reads `json` or `@file.json`. */
export function parseJsonArg(text: string, what: string): unknown {
	const source = text.startsWith("@") ? readFile(text.slice(1), what) : text;
	try {
		return JSON.parse(source);
	} catch (error) {
		throw new UsageError(
			`${what} is not valid JSON: ${(error as Error).message}`,
			`pass JSON, e.g. '{"key": "value"}', or @file.json`,
		);
	}
}

/** A file's text without the byte order mark Windows editors put before UTF-8 (not part of its JSON). */
export function readText(path: string): string {
	return readFileSync(path, "utf8").replace(/^\uFEFF/, "");
}

function readFile(path: string, what: string): string {
	try {
		return readText(path);
	} catch {
		throw new UsageError(
			`cannot read ${what} file ${path}`,
			`check the path (relative to the current folder, ${process.cwd()}), or pass the JSON itself: ${what} '{"key":"value"}'`,
		);
	}
}

/** Turns `key=value` pairs into an object; values are JSON when they parse, strings otherwise. */
export function parseAssignments(
	pairs: readonly string[],
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const pair of pairs) {
		const eq = pair.indexOf("=");
		if (eq <= 0)
			throw new UsageError(
				`--set needs key=value, got "${pair}"`,
				`e.g. --set ${eq === 0 ? "key" : pair}="a new value" (JSON values too: --set count=3)`,
			);
		const raw = pair.slice(eq + 1);
		let value: unknown = raw;
		try {
			value = JSON.parse(raw);
		} catch {
			// a plain string
		}
		out[pair.slice(0, eq)] = value;
	}
	return out;
}

/** The text after `=` of each `key=value` pair, as typed (see `fork`: a string key given "5"). */
export function assignmentTexts(
	pairs: readonly string[],
): Record<string, string> {
	const out: Record<string, string> = {};
	for (const pair of pairs) {
		const eq = pair.indexOf("=");
		if (eq > 0) out[pair.slice(0, eq)] = pair.slice(eq + 1);
	}
	return out;
}

/**
 * A duration flag: `500ms`, `10s`, `2m`, `1h`, or `0`. Any other number needs its unit: a bare one was
 * read as milliseconds, and `--run-timeout 600` meant as seconds timed every run out (decision 0239).
 */
export function parseDuration(flag: string, value: string): number {
	const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
	if (m === null)
		throw new UsageError(
			`${flag} ${value} is not a duration`,
			`write it as 500ms, 10s, 2m or 1h`,
		);
	if (m[2] === undefined && Number(m[1]) !== 0)
		throw new UsageError(
			`${flag} ${value} has no unit`,
			`write ${m[1]}s or ${m[1]}ms (or 2m, 1h)`,
		);
	const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? "ms"]!;
	return Math.round(Number(m[1]) * unit);
}
