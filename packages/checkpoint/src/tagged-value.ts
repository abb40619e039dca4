import { processWide } from "./process-wide.ts";

const BRAND = Symbol.for("weft.tagged-value");
/** The names of tagged values made in this process, by any copy of this package (decision 0245). */
const names = processWide("weft.tagged-names.v1", () => new Set<string>());

/**
 * A stored value of a registered type that this process cannot rebuild (its module is not loaded, or
 * its library is missing), as a reader serializer (`unknownTypes: "tag"`) returns it: the type's name
 * and the plain data it was stored as. `JSON.stringify` gives `{ "$type": …, "value": … }`. Written
 * back through a Weft serializer, it is stored as the original type again, unchanged.
 * @example
 * // a LangChain message read where @langchain/core is not installed:
 * // { $type: "langchain.message", value: { class: "AIMessage", data: { content: "hi", … } } }
 */
export class TaggedValue {
	readonly $type: string;
	readonly value: unknown;
	readonly [BRAND] = true;

	constructor(type: string, value: unknown) {
		this.$type = type;
		this.value = value;
		names.add(type);
		Object.freeze(this);
	}

	toJSON(): { $type: string; value: unknown } {
		return { $type: this.$type, value: this.value };
	}
}

/** True for a value a reader serializer could not rebuild (also from a second copy of the package). */
export function isTaggedValue(value: unknown): value is TaggedValue {
	return (
		typeof value === "object" &&
		value !== null &&
		(value as Record<symbol, unknown>)[BRAND] === true
	);
}

/** Names of the tagged values made in this process (a serializer writes them back under these). */
export function taggedNames(): ReadonlySet<string> {
	return names;
}
