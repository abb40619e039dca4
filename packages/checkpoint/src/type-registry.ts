import { ConfigError } from "./errors.ts";
import { loadMessageType, MESSAGE_TYPE } from "./langchain-messages.ts";
import { processWide } from "./process-wide.ts";
import { isTaggedValue } from "./tagged-value.ts";

/** A type the serializer may store besides plain data: found by `test`, stored as plain data, rebuilt by `revive`. */
export interface SerializableType<T = unknown> {
	/** Unique and stable: it is written into stored data. */
	name: string;
	test(value: unknown): value is T;
	toPlain(value: T): unknown;
	fromPlain(plain: unknown): T;
}

/**
 * The registry, one for every copy of this package in the process (decision 0245): a CLI or server of its
 * own copy stores the state of a project's graph, whose modules registered their types with the project's.
 */
interface Registry {
	types: Map<string, SerializableType<any>>;
	/** `types` as a list: looked through for each value stored, without an iterator each time. */
	list: readonly SerializableType<any>[];
	/** Registered by a lazy load below rather than by the user: an explicit registration replaces them. */
	loaded: WeakSet<SerializableType<any>>;
	/**
	 * Types Weft itself writes, rebuilt on first read in a process that did not register them (a CLI, a
	 * server): the loader returns undefined when their library is not installed.
	 */
	builtins: Map<string, () => SerializableType<any> | undefined>;
	/** Grows with every change, so serializers know when to pick up new types. */
	version: number;
}

const shared = processWide<Registry>("weft.serializable-types.v1", () => ({
	types: new Map(),
	list: [],
	loaded: new WeakSet(),
	builtins: new Map([[MESSAGE_TYPE, loadMessageType]]),
	version: 0,
}));

/**
 * Registers a type with every serializer of this process (for example `@weft/graph/llm` registers the
 * `@langchain/core` message classes). Registering the same name twice keeps the first. A descriptor
 * without a name or one of its three functions is refused (`CONFIG_INVALID`), before it is kept.
 */
export function registerSerializableType<T>(type: SerializableType<T>): void {
	checkType(type);
	const current = shared.types.get(type.name);
	if (current !== undefined && !shared.loaded.has(current)) return;
	shared.types.set(type.name, type);
	shared.list = [...shared.types.values()];
	shared.version++;
}

/** Throws `CONFIG_INVALID` for a descriptor that is not `{ name, test, toPlain, fromPlain }`. */
function checkType(type: unknown): void {
	const t = type as Partial<Record<keyof SerializableType, unknown>> | null;
	let problem: string | undefined;
	if (typeof t !== "object" || t === null)
		problem = `got ${t === null ? "null" : typeof t}`;
	else if (typeof t.name !== "string" || t.name.trim() === "")
		problem = `its name must be a non-empty string, got ${JSON.stringify(t.name) ?? String(t.name)}`;
	else {
		const missing = (["test", "toPlain", "fromPlain"] as const).filter(
			(key) => typeof t[key] !== "function",
		);
		if (missing.length > 0)
			problem = `"${t.name}" has no ${missing.join(", ")} function${missing.length > 1 ? "s" : ""}`;
	}
	if (problem === undefined) return;
	throw new ConfigError(
		"CONFIG_INVALID",
		`registerSerializableType: ${problem}`,
		{
			hint: "pass { name, test(value), toPlain(value), fromPlain(plain) }: test tells the type's values, toPlain and fromPlain turn one into JSON data and back",
		},
	);
}

/** Grows with every change of the registry, so serializers know when to pick up new types. */
export function registryVersion(): number {
	return shared.version;
}

export function registeredTypes(): Iterable<SerializableType<any>> {
	return shared.types.values();
}

/** The type named `name`: registered, or one of Weft's own loaded now; undefined when neither. */
export function findType(name: string): SerializableType<any> | undefined {
	const found = shared.types.get(name);
	if (found !== undefined) return found;
	const load = shared.builtins.get(name);
	if (load === undefined) return undefined;
	shared.builtins.delete(name); // one attempt per process: a missing library stays missing
	const type = load();
	if (type === undefined) return undefined;
	shared.types.set(name, type);
	shared.list = [...shared.types.values()];
	shared.loaded.add(type);
	shared.version++;
	return type;
}

/** The stored name and plain form of a registered value (or of a tagged one read earlier), if it is one. */
export function registeredPlainOf(
	value: unknown,
): { name: string; plain: () => unknown } | undefined {
	if (isTaggedValue(value))
		return { name: value.$type, plain: () => value.value };
	const type = registeredTypeOf(value);
	return type === undefined
		? undefined
		: { name: type.name, plain: () => type.toPlain(value) };
}

/**
 * The registered type of a value, if it has one (not for tagged values: see `isTaggedValue`). Nothing is
 * made for the answer: the serializer asks it of each class instance it stores (perf, issue 17).
 */
export function registeredTypeOf(
	value: unknown,
): SerializableType<any> | undefined {
	const { list } = shared;
	for (let i = 0; i < list.length; i++)
		if (list[i]!.test(value)) return list[i];
	return undefined;
}
