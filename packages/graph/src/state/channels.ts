import type { ChannelWrite } from "@weft/checkpoint";
import { InvalidUpdateError, ValidationError } from "@weft/checkpoint";
import type { z } from "zod";
import { type ReducerSpec, reducerOf } from "./reducer.ts";

type AnyObject = z.ZodObject<z.ZodRawShape>;

/**
 * The state's keys as channels: how each starts, merges and validates. Built once per graph;
 * holds no state itself.
 */
export class Channels {
	readonly keys: readonly string[];
	readonly #keySet: ReadonlySet<string>;
	readonly #reducers = new Map<string, ReducerSpec>();
	readonly #schema: AnyObject;
	readonly #update: AnyObject;

	constructor(schema: AnyObject) {
		this.#schema = schema;
		this.keys = Object.keys(schema.shape);
		this.#keySet = new Set(this.keys);
		const updateShape: Record<string, z.ZodType> = {};
		for (const key of this.keys) {
			const field = schema.shape[key] as z.ZodType;
			const spec = reducerOf(field);
			if (spec !== undefined) this.#reducers.set(key, spec);
			// Defaults belong to the initial state, never to updates.
			updateShape[key] = (spec?.update ?? withoutDefault(field)).optional();
		}
		// built from the user's own schema object, so this package never loads zod itself
		this.#update = schema.extend(updateShape).strict() as unknown as AnyObject;
	}

	has(key: string): boolean {
		return this.#keySet.has(key);
	}

	isReducer(key: string): boolean {
		return this.#reducers.has(key);
	}

	/** The state before any write: reducer `init()`, else the schema's default, else absent. */
	initial(): Record<string, unknown> {
		const state: Record<string, unknown> = {};
		for (const key of this.keys) {
			const spec = this.#reducers.get(key);
			if (spec?.init !== undefined) {
				state[key] = spec.init();
				continue;
			}
			const field = this.#schema.shape[key] as z.ZodType;
			if (isDefault(field)) state[key] = field.parse(undefined);
		}
		return state;
	}

	/**
	 * Checks an update (input, a node's return, a manual update) and turns it into writes.
	 * Unknown keys and values that fail the schema throw `ValidationError` naming the node and key.
	 */
	toWrites(node: string, update: unknown): ChannelWrite[] {
		if (update === undefined || update === null) return [];
		if (typeof update !== "object" || Array.isArray(update)) {
			throw new ValidationError(
				`node "${node}" returned ${Array.isArray(update) ? "an array" : typeof update}`,
				{
					node,
					hint: "return an object of state keys to update, a Command, or nothing",
				},
			);
		}
		const result = this.#update.safeParse(update);
		if (!result.success) {
			const issue = result.error.issues[0]!;
			const key =
				issue.code === "unrecognized_keys"
					? (issue as { keys: string[] }).keys.join(", ")
					: String(issue.path[0]);
			throw new ValidationError(
				`update from "${node}" is invalid at "${key}": ${issue.message}`,
				{
					node,
					issues: result.error.issues.map((i) => ({
						code: i.code,
						path: i.path,
						message: i.message,
					})),
					hint:
						issue.code === "unrecognized_keys"
							? `the state schema has no key "${key}": add it to the schema or fix the name`
							: "return a value that matches the state schema",
				},
			);
		}
		const writes: ChannelWrite[] = [];
		const parsed = result.data as Record<string, unknown>;
		for (const key of Object.keys(update))
			writes.push([node, key, parsed[key]]);
		return writes;
	}

	/**
	 * Applies writes (already in deterministic order) to `state`, returning a new state object that shares
	 * unchanged keys. With `strict`, two nodes writing one last-value key throw `InvalidUpdateError`.
	 */
	apply(
		state: Record<string, unknown>,
		writes: readonly ChannelWrite[],
		strict: boolean,
	): Record<string, unknown> {
		if (writes.length === 0) return state;
		const next = { ...state };
		const writers = strict ? new Map<string, string>() : undefined;
		for (const [node, key, value] of writes) {
			const spec = this.#reducers.get(key);
			if (spec !== undefined) {
				next[key] = spec.fn(next[key], value);
				continue;
			}
			if (writers !== undefined) {
				const first = writers.get(key);
				if (first !== undefined && first !== node)
					throw new InvalidUpdateError(key, [first, node]);
				writers.set(key, node);
			}
			next[key] = value;
		}
		return next;
	}
}

function isDefault(field: z.ZodType): field is z.ZodDefault<z.ZodType> {
	return (field.def as { type?: string }).type === "default";
}

function withoutDefault(field: z.ZodType): z.ZodType {
	return isDefault(field) ? (field.unwrap() as z.ZodType) : field;
}
