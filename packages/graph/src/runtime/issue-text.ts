/**
 * A zod issue as Weft reads it: zod v4 gives an enum's or a literal's allowed `values`, a discriminated
 * union's `options`, and a union's `errors` (the issues of each alternative).
 */
export interface IssueLike {
	code?: string | undefined;
	path: PropertyKey[];
	message: string;
	values?: unknown[] | undefined;
	options?: unknown[] | undefined;
	errors?: IssueLike[][] | undefined;
}

/**
 * The values an issue allows, when it names them: an enum's or a literal's, a discriminated union's
 * options, or those of a union of literals (each alternative failing on its one value).
 */
export function allowedValues(issue: IssueLike): unknown[] | undefined {
	if (Array.isArray(issue.values)) return issue.values;
	if (Array.isArray(issue.options)) return issue.options;
	const branches = issue.code === "invalid_union" ? issue.errors : undefined;
	if (branches === undefined || branches.length === 0) return undefined;
	const each = branches.map((b) =>
		b.length === 1 && b[0]!.path.length === 0
			? allowedValues(b[0]!)
			: undefined,
	);
	return each.every((v) => v !== undefined) ? each.flat() : undefined;
}

/**
 * An issue in words a person can act on: the allowed values where there are some (zod says "Invalid
 * input" for a union of literals), and for a union that no alternative matched, what each one wanted.
 */
export function issueText(issue: IssueLike): string {
	const values = allowedValues(issue);
	if (values !== undefined)
		return values.length === 1
			? `expected ${shown(values[0])}`
			: `expected one of ${values.map(shown).join(", ")}`;
	const firsts = (issue.code === "invalid_union" ? (issue.errors ?? []) : [])
		.map((b) => b[0])
		.filter((i): i is IssueLike => i !== undefined);
	const alternatives = [...new Set(firsts.map(placedText))];
	if (alternatives.length === 1) return alternatives[0]!;
	if (alternatives.length > 1)
		return `matches no alternative: ${alternatives.join("; or ")}`;
	return issue.message;
}

/** The issue's text after its path (relative to the value checked), when it has one. */
const placedText = (issue: IssueLike) =>
	issue.path.length === 0
		? issueText(issue)
		: `${issue.path.map(String).join(".")}: ${issueText(issue)}`;

const shown = (v: unknown) =>
	typeof v === "string" ||
	typeof v === "number" ||
	typeof v === "boolean" ||
	v === null
		? JSON.stringify(v)
		: String(v);

/** A schema issue's path as code spells it: keys joined by dots, list positions in brackets. */
export function pathText(path: readonly PropertyKey[]): string {
	let out = "";
	for (const part of path)
		out +=
			typeof part === "number"
				? `[${part}]`
				: `${out === "" ? "" : "."}${String(part)}`;
	return out;
}
