import type { Serializer } from "@weft/checkpoint";

let ready: Promise<Serializer | undefined> | undefined;

/**
 * The serializer the CLI opens stores with. A store reader must read every type Weft itself writes
 * without the graph module: LangChain messages are revived when `@langchain/core` can be loaded (the
 * registration lives in `@weft/checkpoint/langchain`); without it, and for types only a graph module
 * registers, stored values come back as tagged plain data that the CLI still displays.
 */
export function readerSerializer(): Promise<Serializer | undefined> {
	ready ??= (async () => {
		try {
			await import("@weft/checkpoint/langchain");
		} catch {
			// no @langchain/core here: messages stay plain data
		}
		return undefined;
	})();
	return ready;
}
