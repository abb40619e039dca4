/**
 * The part of JSON Schema (draft 2020-12, as zod's `z.toJSONSchema` writes it) the studio's forms need:
 * resolving `$ref`, checking a value (errors by path, so a form shows them beside their fields), the
 * variants of a union, and a starting value.
 */

export interface JsonSchema {
	type?: string | string[];
	properties?: Record<string, JsonSchema>;
	required?: string[];
	additionalProperties?: JsonSchema | boolean;
	items?: JsonSchema;
	enum?: unknown[];
	const?: unknown;
	anyOf?: JsonSchema[];
	oneOf?: JsonSchema[];
	allOf?: JsonSchema[];
	minLength?: number;
	maxLength?: number;
	minimum?: number;
	maximum?: number;
	exclusiveMinimum?: number;
	exclusiveMaximum?: number;
	minItems?: number;
	maxItems?: number;
	pattern?: string;
	default?: unknown;
	title?: string;
	description?: string;
	$ref?: string;
	$defs?: Record<string, JsonSchema>;
	definitions?: Record<string, JsonSchema>;
}

export type Path = Array<string | number>;
export interface FieldError {
	path: Path;
	message: string;
}

/** A `$ref` (`#/$defs/…`) followed to its schema, within `root`. */
export function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
	let s = schema;
	for (let hops = 0; s.$ref !== undefined && hops < 32; hops++) {
		const parts = s.$ref
			.replace(/^#\/?/, "")
			.split("/")
			.filter((p) => p !== "");
		let target: unknown = root;
		for (const p of parts)
			target = (target as Record<string, unknown> | undefined)?.[p];
		if (typeof target !== "object" || target === null) return {};
		const { $ref: _, ...rest } = s;
		s = { ...rest, ...(target as JsonSchema) };
	}
	return s;
}

/** The options of a union (nested unions flattened), or undefined for a schema that is not one. */
export function variantsOf(
	schema: JsonSchema,
	root: JsonSchema,
): JsonSchema[] | undefined {
	const s = resolve(schema, root);
	const list = s.anyOf ?? s.oneOf;
	if (list === undefined) return undefined;
	return list.flatMap((v) => variantsOf(v, root) ?? [resolve(v, root)]);
}

/** The property whose `const` tells a union's object variants apart (like `action`), if there is one. */
export function discriminatorOf(variants: JsonSchema[]): string | undefined {
	const keys = Object.entries(variants[0]?.properties ?? {})
		.filter(([, p]) => p.const !== undefined)
		.map(([k]) => k);
	return keys.find((k) =>
		variants.some((v) => v.properties?.[k]?.const !== undefined),
	);
}

const typeOf = (v: unknown): string =>
	v === null
		? "null"
		: Array.isArray(v)
			? "array"
			: Number.isInteger(v)
				? "integer"
				: typeof v;

const matchesType = (t: string, v: unknown) =>
	t === typeOf(v) || (t === "number" && typeof v === "number");

const show = (v: unknown) => JSON.stringify(v);

/** Checks `value` against `schema`; the errors, each at its path (empty: the value fits). */
/**
 * What a form's JSON field holds while its text does not parse: `validate` refuses it, so that nothing is
 * sent (the last value that parsed would be sent instead).
 */
export class UnparsedJson {
	readonly problem: string;
	constructor(problem: string) {
		this.problem = problem;
	}
}

/** The first field of `value` whose JSON does not parse, if any. */
export function unparsedIn(value: unknown): UnparsedJson | undefined {
	if (value instanceof UnparsedJson) return value;
	if (typeof value !== "object" || value === null) return undefined;
	for (const v of Object.values(value)) {
		const found = unparsedIn(v);
		if (found !== undefined) return found;
	}
	return undefined;
}

export function validate(
	schema: JsonSchema,
	value: unknown,
	root: JsonSchema = schema,
	path: Path = [],
): FieldError[] {
	const err = (message: string): FieldError[] => [{ path, message }];
	if (value instanceof UnparsedJson)
		return err(`is not valid JSON: ${value.problem}`);
	const s = resolve(schema, root);
	const variants = variantsOf(s, root);
	if (variants !== undefined) {
		const results = variants.map((v) => validate(v, value, root, path));
		if (results.some((r) => r.length === 0)) return [];
		const key = discriminatorOf(variants);
		if (key !== undefined && typeof value === "object" && value !== null) {
			const tag = (value as Record<string, unknown>)[key];
			const i = variants.findIndex((v) => v.properties?.[key]?.const === tag);
			if (i >= 0) return results[i]!;
			return [
				{
					path: [...path, key],
					message: `must be one of ${variants
						.map((v) => v.properties?.[key]?.const)
						.filter((c) => c !== undefined)
						.map(show)
						.join(", ")}`,
				},
			];
		}
		const closest = [...results].sort((a, b) => a.length - b.length)[0];
		return closest ?? err("matches none of the allowed shapes");
	}
	const out: FieldError[] = [];
	for (const part of s.allOf ?? [])
		out.push(...validate(part, value, root, path));
	if (s.const !== undefined && show(s.const) !== show(value))
		return err(`must be ${show(s.const)}`);
	if (s.enum !== undefined && !s.enum.some((e) => show(e) === show(value)))
		return err(`must be one of ${s.enum.map(show).join(", ")}`);
	if (s.type !== undefined) {
		const types = Array.isArray(s.type) ? s.type : [s.type];
		if (!types.some((t) => matchesType(t, value)))
			return err(
				value === undefined ? "is required" : `must be ${types.join(" or ")}`,
			);
	}
	if (typeof value === "string") {
		if (s.minLength !== undefined && value.length < s.minLength)
			out.push(
				...err(
					s.minLength === 1
						? "must not be empty"
						: `must have at least ${s.minLength} characters`,
				),
			);
		if (s.maxLength !== undefined && value.length > s.maxLength)
			out.push(...err(`must have at most ${s.maxLength} characters`));
		if (s.pattern !== undefined && !new RegExp(s.pattern, "u").test(value))
			out.push(...err(`must match ${s.pattern}`));
	}
	if (typeof value === "number") {
		if (s.minimum !== undefined && value < s.minimum)
			out.push(...err(`must be at least ${s.minimum}`));
		if (s.maximum !== undefined && value > s.maximum)
			out.push(...err(`must be at most ${s.maximum}`));
		if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum)
			out.push(...err(`must be more than ${s.exclusiveMinimum}`));
		if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum)
			out.push(...err(`must be less than ${s.exclusiveMaximum}`));
	}
	if (Array.isArray(value)) {
		if (s.minItems !== undefined && value.length < s.minItems)
			out.push(...err(`must have at least ${s.minItems} items`));
		if (s.maxItems !== undefined && value.length > s.maxItems)
			out.push(...err(`must have at most ${s.maxItems} items`));
		if (s.items !== undefined)
			value.forEach((item, i) => {
				out.push(...validate(s.items!, item, root, [...path, i]));
			});
	}
	if (typeOf(value) === "object") {
		const o = value as Record<string, unknown>;
		for (const key of s.required ?? [])
			if (o[key] === undefined)
				out.push({ path: [...path, key], message: "is required" });
		for (const [key, v] of Object.entries(o)) {
			if (v === undefined) continue;
			const p = s.properties?.[key];
			if (p !== undefined) out.push(...validate(p, v, root, [...path, key]));
			else if (s.additionalProperties === false)
				out.push({ path: [...path, key], message: "is not expected here" });
			else if (typeof s.additionalProperties === "object")
				out.push(...validate(s.additionalProperties, v, root, [...path, key]));
		}
	}
	return out;
}

/** A value to start a form with: the schema's default, a union's first option, an object's fields. */
export function initialValue(schema: JsonSchema, root: JsonSchema): unknown {
	const s = resolve(schema, root);
	if (s.default !== undefined) return s.default;
	if (s.const !== undefined) return s.const;
	const variants = variantsOf(s, root);
	if (variants !== undefined)
		return variants[0] === undefined
			? undefined
			: initialValue(variants[0], root);
	if (s.enum !== undefined) return s.enum[0];
	const type = Array.isArray(s.type) ? s.type[0] : s.type;
	if (type === "object") {
		const out: Record<string, unknown> = {};
		for (const key of s.required ?? []) {
			const p = s.properties?.[key];
			if (p !== undefined) out[key] = initialValue(p, root);
		}
		return out;
	}
	if (type === "array") return [];
	if (type === "string") return "";
	if (type === "boolean") return false;
	return undefined;
}

/** A path as people read it: `byId.call-1.args`. */
export const pathText = (path: Path): string =>
	path.length === 0 ? "(the whole answer)" : path.join(".");
