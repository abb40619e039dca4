import type { ChannelWrite, StoredCheckpoint } from "@weft/checkpoint";
import {
	CheckpointError,
	InvalidUpdateError,
	isWeftError,
	NodeError,
	ValidationError,
	type ValidationIssue,
	WeftError,
} from "@weft/checkpoint";
import type { z } from "zod";
import { INPUT_NODE, UPDATE_NODE } from "../constants.ts";
import { pathText } from "../runtime/issue-text.ts";
import { deepFreeze } from "./freeze.ts";
import { type ReducerSpec, reducerOf } from "./reducer.ts";
import {
	checkReduced,
	keySchemaRefusal,
	writeRefused,
} from "./reducer-output.ts";
import { requiredMissing, subgraphInputMissing } from "./required-keys.ts";
import { schemaFingerprint } from "./schema-fingerprint.ts";
import {
	notAnUpdate,
	notStateKeys,
	undefinedForRequired,
	updateFrom,
	writerNode,
} from "./update-shape.ts";

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
	/**
	 * Per key, the schema a stored write of it must match on read: its update schema, or for a reducer
	 * that declares it (`storedWritesAs`), what that update schema outputs.
	 */
	readonly #keyStored = new Map<string, z.ZodType>();
	/** Per key, the schema its value must match (stored snapshots are checked against it on read). */
	readonly #keyValue = new Map<string, z.ZodType>();
	/** Keys whose update schema accepts `undefined` (for the others, `{ key: undefined }` is refused). */
	readonly #undefinedOk = new Set<string>();
	/** Keys the state must hold that start without a value (no default, no reducer `init`, not optional). */
	readonly #required: string[] = [];
	#fingerprint: string | undefined;

	/** The state schema's fingerprint (decision 0018): computed once, on first use. */
	get fingerprint(): string {
		this.#fingerprint ??= schemaFingerprint(this.#schema);
		return this.#fingerprint;
	}

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
			const update = spec?.update ?? withoutDefault(field);
			this.#keyStored.set(key, spec?.stored ?? update);
			this.#keyValue.set(key, withoutDefault(field));
			if (update.safeParse(undefined).success) this.#undefinedOk.add(key);
			if (
				spec?.init === undefined &&
				!isDefault(field) &&
				!field.safeParse(undefined).success
			)
				this.#required.push(key);
			updateShape[key] = update.optional();
		}
		// an init whose value its key refuses is found where the state is compiled, not in a thread's first run
		for (const [key, spec] of this.#reducers)
			if (spec.init !== undefined && spec.trusted !== true)
				this.#init(key, spec, true);
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
				state[key] = this.#init(key, spec);
				continue;
			}
			const field = this.#schema.shape[key] as z.ZodType;
			if (isDefault(field)) state[key] = field.parse(undefined);
		}
		freezeState(state);
		return state;
	}

	/**
	 * A reducer's `init()`: one that throws is a `VALIDATION_FAILED` naming the key. With `check` (once, where
	 * the state is compiled), its value is checked against the key's schema too, as merges are (decision
	 * 0163); the built-ins' are trusted.
	 */
	#init(key: string, spec: ReducerSpec, check = false): unknown {
		let value: unknown;
		try {
			value = spec.init!();
		} catch (cause) {
			throw initRefused(
				key,
				`it threw: ${(cause as Error)?.message ?? String(cause)}`,
				{ cause },
			);
		}
		if (!check) return value;
		const result = this.#keyValue.get(key)!.safeParse(value);
		if (result.success) return value;
		const refused = keySchemaRefusal(key, result.error.issues);
		throw initRefused(
			key,
			`its value fails the schema of "${key}" at ${refused.at}`,
			{ issues: refused.issues },
		);
	}

	/** The keys a thread's first input must give (see `#required`), in the schema's order. */
	requiredKeys(): string[] {
		return [...this.#required];
	}

	/**
	 * Checks that a run's state after its input holds every required key: a key without a default or an
	 * `init` has no value until the input (of this run or an earlier one) gives it one.
	 */
	checkRequired(values: Record<string, unknown>, subgraph?: string): void {
		for (const key of this.#required)
			if (values[key] === undefined)
				throw subgraph === undefined
					? requiredMissing(key)
					: subgraphInputMissing(key, subgraph);
	}

	/**
	 * The refusal of writes (new input, or a state update) that give a required key no value (see
	 * `checkRequired`), for a thread that has none yet; undefined when they give each one.
	 */
	requiredMissingFrom(
		writes: readonly ChannelWrite[],
		node: string,
	): ValidationError | undefined {
		for (const key of this.#required)
			if (!writes.some((w) => w[1] === key)) return requiredMissing(key, node);
		return undefined;
	}

	/**
	 * Checks an update (input, a node's return, a manual update) and turns it into writes.
	 * Unknown keys and values that fail the schema throw `ValidationError` naming the node and key.
	 */
	toWrites(writer: string, update: unknown): ChannelWrite[] {
		if (update === undefined || update === null) return [];
		const node = writerNode(writer);
		if (
			typeof update !== "object" ||
			Array.isArray(update) ||
			notStateKeys(update) !== undefined
		)
			throw notAnUpdate(node, update);
		const result = this.#update.safeParse(update);
		if (!result.success) {
			const issue = result.error.issues[0]!;
			// the whole path ("profile.name", "messages[0]"), not the state key alone
			const key =
				issue.code === "unrecognized_keys"
					? pathText([
							...issue.path,
							(issue as { keys: string[] }).keys.join(", "),
						])
					: pathText(issue.path);
			throw new ValidationError(
				`${updateFrom(node)} is invalid at "${key}": ${issue.message}`,
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
							: node === INPUT_NODE || node === UPDATE_NODE
								? `give "${key}" a value of the type the state schema declares`
								: "return a value that matches the state schema",
				},
			);
		}
		const writes: ChannelWrite[] = [];
		const parsed = result.data as Record<string, unknown>;
		const keys = Object.keys(update);
		for (let i = 0; i < keys.length; i++) {
			const key = keys[i]!;
			const value = parsed[key];
			// `.optional()` lets a present `undefined` through: a required key must not become undefined
			if (value === undefined && !this.#undefinedOk.has(key))
				throw undefinedForRequired(node, key);
			writes.push([writer, key, value]);
		}
		return writes;
	}

	/**
	 * Replays stored checkpoints (oldest first, from a snapshot or from `base`), checking what was read
	 * against this graph: a key the schema lacks is `GRAPH_CHANGED`, a value that fails its key's schema
	 * or a key like `__proto__` is `CORRUPT_CHECKPOINT`; both name the thread and checkpoint.
	 */
	replay(
		chain: readonly StoredCheckpoint[],
		base?: Record<string, unknown>,
		freeze = true,
	): Record<string, unknown> {
		let values = base ?? {};
		// writes of keys whose reducer has a fold, gathered since `values` was last replaced: applied at the
		// end, one call per key (the order of writes to different keys does not matter, each key merges alone)
		let folds: Map<string, unknown[]> | undefined;
		// `values` is this replay's own object (not `base`, not handed out yet): written in place
		let own = false;
		for (let c = 0; c < chain.length; c++) {
			const cp = chain[c]!;
			const snapshot = cp.data.snapshot;
			if (snapshot !== undefined) {
				values = {};
				own = true;
				folds = undefined;
				for (const key of Object.keys(snapshot)) {
					this.#checkStoredKey(cp, key);
					if (!this.#keyValue.get(key)!.safeParse(snapshot[key]).success)
						throw storedValueInvalid(cp, key);
					values[key] = snapshot[key];
				}
				continue;
			}
			const writes = cp.data.writes;
			// index loops: no iterator per checkpoint read (perf, issue 17)
			for (let i = 0; i < writes.length; i++) {
				const key = writes[i]![1];
				this.#checkStoredKey(cp, key);
				if (!this.#keyStored.get(key)!.safeParse(writes[i]![2]).success)
					throw storedValueInvalid(cp, key);
			}
			if (writes.length === 0) continue;
			if (!own) {
				values = { ...values };
				own = true;
			}
			for (let i = 0; i < writes.length; i++) {
				const key = writes[i]![1];
				const value = writes[i]![2];
				const spec = this.#reducers.get(key);
				if (spec === undefined || firstValue(spec, values, key))
					values[key] = value;
				else if (spec.fold === undefined)
					values[key] = spec.fn(values[key], value);
				else {
					folds ??= new Map();
					const updates = folds.get(key);
					if (updates === undefined) folds.set(key, [value]);
					else updates.push(value);
				}
			}
		}
		if (folds !== undefined)
			for (const [key, updates] of folds)
				values[key] = this.#reducers.get(key)!.fold!(values[key], updates);
		// frozen once, at the end: the states in between are never handed out (freezing each one made a
		// read O(chain × state size)); a history read, which hands out states and not to nodes, does not freeze
		if (freeze) freezeState(values);
		return values;
	}

	#checkStoredKey(cp: StoredCheckpoint, key: string): void {
		if (this.#keySet.has(key)) return;
		if (FORBIDDEN_KEYS.has(key)) throw storedValueInvalid(cp, key);
		throw new WeftError(
			"GRAPH_CHANGED",
			`checkpoint "${cp.checkpointId}" of thread "${cp.threadId}" holds the state key "${key}", which this graph's schema does not have`,
			{
				hint: `add "${key}" back to the schema to read this thread, or fork from a checkpoint written by this version of the graph`,
			},
		);
	}

	/**
	 * Applies writes (already in deterministic order) to `state`, returning a new, read-only state object
	 * that shares unchanged keys. With `strict`, two nodes writing one last-value key throw
	 * `InvalidUpdateError` (a step's writes; replays and input are not strict).
	 */
	apply(
		state: Record<string, unknown>,
		writes: readonly ChannelWrite[],
		options: { strict?: boolean } = {},
	): Record<string, unknown> {
		const next = this.#merge(state, writes, options.strict === true);
		if (next !== state) freezeState(next);
		return next;
	}

	#merge(
		state: Record<string, unknown>,
		writes: readonly ChannelWrite[],
		strict: boolean,
	): Record<string, unknown> {
		if (writes.length === 0) return state;
		const next = { ...state };
		// one write cannot conflict: no map for it (perf, issue 17)
		const writers =
			strict && writes.length > 1 ? new Map<string, string>() : undefined;
		// keys a user's reducer merged: their new value is checked once, after the writes (decision 0163)
		let reduced: string[] | undefined;
		for (let i = 0; i < writes.length; i++) {
			// indexed, not destructured: array destructuring goes through an iterator until optimized
			const write = writes[i]!;
			const node = write[0];
			const key = write[1];
			const value = write[2];
			const spec = this.#reducers.get(key);
			if (spec !== undefined) {
				if (firstValue(spec, next, key))
					next[key] = value; // checked as an update
				else {
					next[key] = merged(spec, next[key], write);
					if (spec.trusted === true) continue;
					if (reduced === undefined) reduced = [key];
					else if (!reduced.includes(key)) reduced.push(key);
				}
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
		if (reduced !== undefined)
			checkReduced(this.#keyValue, next, reduced, writes);
		return next;
	}
}

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
	"__proto__",
	"constructor",
	"prototype",
]);

/** Makes a state read-only: the object, and (deeply) each value not frozen already. */
export function freezeState(state: Record<string, unknown>): void {
	for (const key in state) deepFreeze(state[key]);
	Object.freeze(state);
}

function storedValueInvalid(
	cp: StoredCheckpoint,
	key: string,
): CheckpointError {
	return new CheckpointError(
		"CORRUPT_CHECKPOINT",
		`checkpoint "${cp.checkpointId}" of thread "${cp.threadId}" holds a value for "${key}" that this graph's schema refuses`,
		{
			hint: `if the schema of "${key}" changed since, run the old version to finish the thread or fork from an earlier checkpoint; otherwise the stored data is damaged`,
		},
	);
}

function isDefault(field: z.ZodType): field is z.ZodDefault<z.ZodType> {
	return (field.def as { type?: string }).type === "default";
}

function withoutDefault(field: z.ZodType): z.ZodType {
	return isDefault(field) ? (field.unwrap() as z.ZodType) : field;
}

/**
 * `fn(current, update)` of a write; a reducer that throws is the writer's `NodeError` naming the key (a
 * Weft error as it is; a `ValidationError` naming no node, the writer's naming it and the key).
 */
function merged(
	spec: ReducerSpec,
	current: unknown,
	write: ChannelWrite,
): unknown {
	try {
		return spec.fn(current, write[2]);
	} catch (error) {
		// a reducer's refusal of the update (messages(): decision 0235) names the writer, as toWrites does
		if (error instanceof ValidationError && error.node === undefined)
			throw writeRefused(write, error);
		if (isWeftError(error)) throw error; // as it is, as from a node (decision 0066)
		throw new NodeError(writerNode(write[0]), error, "NODE_FAILED", {
			reducer: write[1],
		});
	}
}

/**
 * A write of a reducer key that has no value yet (no `init`, no default, never written) and whose updates
 * are values of the key (no `update` schema): it is the key's first value, as LangGraph's binary-operator
 * channels take it, where `fn(undefined, update)` broke most reducers (`[...a, ...b]`).
 */
function firstValue(
	spec: ReducerSpec,
	values: Record<string, unknown>,
	key: string,
): boolean {
	return spec.update === undefined && !(key in values);
}

/** The error of a reducer `init()` that threw or returned a value its key's schema refuses. */
function initRefused(
	key: string,
	problem: string,
	more: { cause?: unknown; issues?: ValidationIssue[] },
): ValidationError {
	return new ValidationError(
		`the reducer init of "${key}" failed: ${problem}`,
		{
			hint: `make the init of "${key}" return the key's empty value, one its schema accepts (e.g. () => [] for a list)`,
			...more,
		},
	);
}
