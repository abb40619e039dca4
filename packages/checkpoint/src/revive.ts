import { CheckpointError, isWeftError } from "./errors.ts";
import { MESSAGE_TYPE } from "./langchain-messages.ts";
import { describePlace, unreadable } from "./read-errors.ts";
import type { BlobPlace } from "./serializer.ts";
import { TaggedValue } from "./tagged-value.ts";
import { findType } from "./type-registry.ts";

/**
 * The value of registered type `name` rebuilt from its stored plain form. With `tag`, a type this
 * process cannot rebuild (not registered, library missing, or its data refused) comes back as a
 * `TaggedValue` instead of an error.
 */
export function revived(
	name: string,
	plain: unknown,
	tag: boolean,
	place: BlobPlace | undefined,
): unknown {
	const type = findType(name);
	if (type === undefined) {
		if (tag) return new TaggedValue(name, plain);
		throw notRegistered(name, place);
	}
	try {
		return type.fromPlain(plain);
	} catch (cause) {
		if (tag) return new TaggedValue(name, plain);
		const detail = cause instanceof Error ? cause.message : String(cause);
		if (isWeftError(cause, "DESERIALIZATION_FAILED")) {
			const where = place === undefined ? "" : `${describePlace(place)}: `;
			throw new CheckpointError("DESERIALIZATION_FAILED", `${where}${detail}`, {
				hint: cause.hint,
				cause,
			});
		}
		throw unreadable(
			place,
			`its "${name}" value could not be rebuilt: ${detail}`,
			cause,
		);
	}
}

export function notRegistered(
	name: string,
	place: BlobPlace | undefined,
): CheckpointError {
	const where = place === undefined ? "stored data" : describePlace(place);
	return new CheckpointError(
		"DESERIALIZATION_FAILED",
		`${where} holds a value of type "${name}", which is not registered in this process`,
		{
			hint:
				name === MESSAGE_TYPE
					? 'install @langchain/core (Weft loads it when it reads a message), or read with createSerializer({ unknownTypes: "tag" }) to get messages as tagged data'
					: `import the module that registers "${name}" (registerSerializableType), or read with createSerializer({ unknownTypes: "tag" }) to get it as tagged data`,
		},
	);
}
