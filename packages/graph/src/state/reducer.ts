import { ConfigError } from "@weft/checkpoint";
import type { z } from "zod";
import { shown } from "../shown.ts";

/** How a key merges updates: `fn(current, update)`, starting from `init()`. */
export interface ReducerSpec<TValue = unknown, TUpdate = unknown> {
	fn: (current: TValue, update: TUpdate) => TValue;
	init: (() => TValue) | undefined;
	/** Validates updates; by default the key's own schema. */
	update: z.ZodType | undefined;
	/**
	 * What a stored write of the key must match on read, when not `update`: a write is stored as
	 * `update`'s output, which a transforming `update` need not accept again (see `storedWritesAs`).
	 */
	stored?: z.ZodType | undefined;
	/**
	 * `fn` applied to each of `updates` in turn, in one call: replays fold a chain's writes of the key with
	 * it (see `foldsWith`).
	 */
	fold?: ((current: TValue, updates: readonly TUpdate[]) => TValue) | undefined;
	/**
	 * `fn` returns a value of the key whenever its arguments are (a built-in, see `trustsOutput`): what it
	 * returns is not checked against the key's schema after a step's merge.
	 */
	trusted?: boolean | undefined;
}

/** Type-level mark of a reducer key: what an update of it looks like. */
export interface ReducerBrand<TUpdate> {
	readonly "~weft.reducer": { readonly update: TUpdate };
}

const specs = new WeakMap<object, ReducerSpec<any, any>>();

/**
 * Marks a state key as a channel that merges updates with `fn(current, update)`; `init` gives its empty
 * value. Every key without a reducer keeps the last value written.
 * @example
 * const State = z.object({ notes: reducer(z.array(z.string()), (a, b) => [...a, ...b], () => []) });
 */
export function reducer<TSchema extends z.ZodType, TUpdate = z.output<TSchema>>(
	schema: TSchema,
	fn: (current: z.output<TSchema>, update: TUpdate) => z.output<TSchema>,
	init?: () => z.output<TSchema>,
	options: { update?: z.ZodType<TUpdate> } = {},
): TSchema & ReducerBrand<TUpdate> {
	checkReducerArgs(schema, fn, init, options);
	// A copy, so the same schema can also be used elsewhere without the reducer.
	const marked = schema.meta({}) as TSchema & ReducerBrand<TUpdate>;
	specs.set(marked, { fn, init, update: options.update });
	return marked;
}

/** `reducer()`'s arguments, refused with `CONFIG_INVALID` where the state is declared, not in a run. */
function checkReducerArgs(
	schema: unknown,
	fn: unknown,
	init: unknown,
	options: unknown,
): void {
	const problem = !isZod(schema)
		? `its schema must be a zod schema, got ${shown(schema)}`
		: typeof fn !== "function"
			? `its merge function must be a function, got ${shown(fn)}`
			: init !== undefined && typeof init !== "function"
				? `its init must be a function returning the empty value, got ${shown(init)}`
				: typeof options !== "object" || options === null
					? `its options must be an object, got ${shown(options)}`
					: "update" in options &&
							options.update !== undefined &&
							!isZod(options.update)
						? `its update option must be a zod schema, got ${shown(options.update)}`
						: undefined;
	if (problem === undefined) return;
	throw new ConfigError("CONFIG_INVALID", `reducer(): ${problem}`, {
		hint: "declare it as reducer(z.array(z.string()), (current, update) => [...current, ...update], () => [])",
	});
}

/** A zod schema (v4: it has `_zod` and `meta()`). */
export function isZod(value: unknown): value is z.ZodType {
	return (
		typeof value === "object" &&
		value !== null &&
		"_zod" in value &&
		typeof (value as { meta?: unknown }).meta === "function"
	);
}

/**
 * Declares what stored writes of a `reducer()` key are (its update schema's output, e.g. a list of messages
 * for `messages()`), so that replays check them against that rather than re-running a transforming update
 * schema: stricter (input shapes it converts were never stored, and would reach the reducer unconverted)
 * and cheaper (perf, issue 17). Internal to this package.
 */
export function storedWritesAs<TSchema extends z.ZodType>(
	marked: TSchema,
	stored: z.ZodType,
): TSchema {
	const spec = specs.get(marked);
	if (spec !== undefined) spec.stored = stored;
	return marked;
}

/**
 * Gives a `reducer()` key a fold: `fold(current, updates)` must equal `fn` applied to each update in
 * turn. Replays then apply a chain's writes of the key in one call (`messages()`: the list is copied and
 * indexed once per read instead of once per checkpoint; perf, issue 17). Internal to this package.
 */
export function foldsWith<TSchema extends z.ZodType>(
	marked: TSchema,
	fold: (current: any, updates: readonly any[]) => unknown,
): TSchema {
	const spec = specs.get(marked);
	if (spec !== undefined) spec.fold = fold;
	return marked;
}

/**
 * Marks a `reducer()` key's `fn` as one that returns a value of the key for every valid current value
 * and update (`messages()`), so a step's merge does not check its output against the schema: a user's
 * reducer is checked (decision 0163), a 500-message list would cost ≈ 25 µs a step (perf, issue 17).
 * Internal to this package.
 */
export function trustsOutput<TSchema extends z.ZodType>(
	marked: TSchema,
): TSchema {
	const spec = specs.get(marked);
	if (spec !== undefined) spec.trusted = true;
	return marked;
}

/** The reducer of a schema made by `reducer()`, if any. */
export function reducerOf(schema: z.ZodType): ReducerSpec | undefined {
	return specs.get(schema);
}
