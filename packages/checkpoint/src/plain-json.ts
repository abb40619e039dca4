import { MAX_WRITE_DEPTH } from "./check-value.ts";
import { isWellFormed } from "./validate-id.ts";

/**
 * Where `value` (at `path`, e.g. "metadata") holds what JSON would not give back as it is or a store would
 * refuse, or undefined: for run metadata, checked before a run (`@weft/graph`) and when a server is sent
 * it (`@weft/server`).
 */
export function plainJsonProblem(
	value: unknown,
	path: string,
): string | undefined {
	return problemAt(value, path, 0);
}

/**
 * What in `value` JSON would not give back as it is, with where (`metadata.a[2]`), or undefined: a
 * function or symbol (dropped; an undefined field is left out as meant), NaN or ±Infinity (null), a Date or other class instance
 * (its JSON), a BigInt or a cycle (refused), a NUL or a lone surrogate in a string (Postgres' jsonb
 * refuses them, so one store would fail the run where the others keep it).
 */
function problemAt(
	value: unknown,
	path: string,
	depth: number,
): string | undefined {
	switch (typeof value) {
		case "string":
			if (value.includes("\0")) return `${path} holds a NUL character`;
			if (!isWellFormed(value)) return `${path} holds a lone surrogate`;
			return undefined;
		case "number":
			return Number.isFinite(value) ? undefined : `${path} is ${value}`;
		case "boolean":
			return undefined;
		case "object": {
			if (value === null) return undefined;
			if (depth >= MAX_WRITE_DEPTH)
				return `${path} nests more than ${MAX_WRITE_DEPTH} levels (or is cyclic)`;
			if (Array.isArray(value)) {
				for (let i = 0; i < value.length; i++) {
					const problem = problemAt(value[i], `${path}[${i}]`, depth + 1);
					if (problem !== undefined) return problem;
				}
				return undefined;
			}
			const proto = Object.getPrototypeOf(value);
			if (proto !== Object.prototype && proto !== null)
				return `${path} is a ${proto?.constructor?.name ?? "class instance"}, not a plain object`;
			if (Object.getOwnPropertySymbols(value).length > 0)
				return `${path} has a symbol key`;
			for (const [k, v] of Object.entries(value)) {
				if (v === undefined) continue; // left out, as an optional field is meant to be
				const where = `${path}.${k}`;
				if (k.includes("\0") || !isWellFormed(k))
					return `${where}: its key holds a NUL character or a lone surrogate`;
				const problem = problemAt(v, where, depth + 1);
				if (problem !== undefined) return problem;
			}
			return undefined;
		}
		default:
			return `${path} is ${typeof value === "undefined" ? "undefined" : `a ${typeof value}`}`;
	}
}
