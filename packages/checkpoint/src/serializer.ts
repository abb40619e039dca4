/** Turns checkpoint data into bytes and back. The default is built on a private superjson instance. */
export interface Serializer {
	serialize(value: unknown): Uint8Array;
	deserialize(bytes: Uint8Array): unknown;
}
