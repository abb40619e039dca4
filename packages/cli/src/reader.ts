import { createSerializer, type Serializer } from "@weft/checkpoint";

let reader: Serializer | undefined;

/**
 * The serializer the CLI opens stores with: a reader (`unknownTypes: "tag"`). It reads every type Weft
 * itself writes without the graph module (LangChain messages are revived when `@langchain/core` can be
 * loaded); a type only a graph module registers comes back as a `TaggedValue` (`{ $type, value }`),
 * which the CLI displays and writes back unchanged, so one such value never breaks a listing.
 */
export function readerSerializer(): Serializer {
	reader ??= createSerializer({ unknownTypes: "tag" });
	return reader;
}
