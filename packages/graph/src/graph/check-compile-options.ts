import { GraphValidationError, keysOf, unknownKey } from "@weft/checkpoint";
import type { CompileOptions } from "../runtime/events.ts";
import { shown } from "../shown.ts";

/** What the runtime calls on a checkpointer and a store: an object without one of them is no such thing. */
const CHECKPOINTER_METHODS = [
	"getTuple",
	"put",
	"putWrites",
	"acquireLease",
	"releaseLease",
] as const;
const STORE_METHODS = ["get", "put", "delete", "list", "search"] as const;

/**
 * Why `value` is not an object with the methods `names` (undefined when it is one): its kind, or the
 * methods it lacks.
 */
function lacking(value: unknown, names: readonly string[]): string | undefined {
	if (typeof value !== "object" || value === null) return shown(value);
	const missing = names.filter(
		(name) => typeof (value as Record<string, unknown>)[name] !== "function",
	);
	return missing.length === 0
		? undefined
		: `an object without ${missing.join(", ")}`;
}

/**
 * Why `value` is no store (undefined when it is one): `ctx.store` would fail in a node with a TypeError
 * of its own instead.
 */
export function notAStore(value: unknown): string | undefined {
	return lacking(value, STORE_METHODS);
}

const COMPILE_KEYS = keysOf<CompileOptions>({
	checkpointer: true,
	store: true,
	interruptBefore: true,
	interruptAfter: true,
	name: true,
	leaseTtlMs: true,
	snapshots: true,
	agent: true,
});
const SNAPSHOT_KEYS = keysOf<NonNullable<CompileOptions["snapshots"]>>({
	minSteps: true,
	maxSteps: true,
});

/**
 * Checks `compile()`'s options where they are given (a wrong type was read as something else: a string of
 * node names letter by letter, a number as a checkpointer that failed in the run): `INVALID_GRAPH`.
 */
export function checkCompileOptions(options: unknown): void {
	const bad = (what: string, hint: string): never => {
		throw new GraphValidationError("INVALID_GRAPH", `compile(): ${what}`, {
			hint,
		});
	};
	if (typeof options !== "object" || options === null || Array.isArray(options))
		bad(
			`its options must be an object, not ${shown(options)}`,
			"pass e.g. compile({ checkpointer }), or nothing",
		);
	const o = options as Record<string, unknown>;
	const stray = unknownKey(o, COMPILE_KEYS);
	if (stray !== undefined)
		bad(`unknown option ${JSON.stringify(stray.key)}`, stray.hint);
	const checkpointer =
		o.checkpointer === undefined
			? undefined
			: lacking(o.checkpointer, CHECKPOINTER_METHODS);
	if (checkpointer !== undefined)
		bad(
			`checkpointer must be a checkpointer, not ${checkpointer}`,
			'pass new MemoryCheckpointer(), new SqliteCheckpointer({ path: "weft.db" }) or await PostgresCheckpointer.connect({ connectionString }); or leave it out',
		);
	const store = notAStore(o.store);
	if (o.store !== undefined && store !== undefined)
		bad(
			`store must be a Store, not ${store}`,
			"pass new MemoryStore(), a SqliteStore or a PostgresStore; or leave it out",
		);
	for (const key of ["interruptBefore", "interruptAfter"] as const) {
		const list = o[key];
		if (
			list !== undefined &&
			!(Array.isArray(list) && list.every((n) => typeof n === "string"))
		)
			bad(
				`${key} must be an array of node names, not ${shown(list)}`,
				`pass e.g. { ${key}: ["review"] }`,
			);
	}
	if (o.name !== undefined && (typeof o.name !== "string" || o.name === ""))
		bad(
			`name must be a non-empty string, not ${shown(o.name)}`,
			'pass e.g. { name: "support-bot" }, or leave it out ("graph")',
		);
	const ttl = o.leaseTtlMs;
	if (
		ttl !== undefined &&
		!(typeof ttl === "number" && Number.isFinite(ttl) && ttl > 0)
	)
		bad(
			`leaseTtlMs must be a positive number of milliseconds, not ${shown(ttl)}`,
			"leave it out for 30 s",
		);
	const snapshots = o.snapshots;
	if (snapshots !== undefined) {
		if (typeof snapshots !== "object" || snapshots === null)
			bad(
				`snapshots must be an object, not ${shown(snapshots)}`,
				"pass e.g. { snapshots: { minSteps: 32, maxSteps: 10000 } }",
			);
		const strayStep = unknownKey(snapshots as object, SNAPSHOT_KEYS);
		if (strayStep !== undefined)
			bad(`unknown option snapshots.${strayStep.key}`, strayStep.hint);
		for (const key of ["minSteps", "maxSteps"] as const) {
			const n = (snapshots as Record<string, unknown>)[key];
			if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 1))
				bad(
					`snapshots.${key} must be a whole number of at least 1, not ${shown(n)}`,
					`leave snapshots.${key} out for the default`,
				);
		}
	}
}
