import { createRequire } from "node:module";

let uuidv7: (() => string) | undefined;

/** A new checkpoint id: a UUIDv7, so that sorting ids sorts by creation time. */
export function newCheckpointId(): string {
	uuidv7 ??= (
		createRequire(import.meta.url)("uuidv7") as typeof import("uuidv7")
	).uuidv7;
	return uuidv7();
}
