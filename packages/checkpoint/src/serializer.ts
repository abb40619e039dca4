/**
 * Where a blob lives: an encrypting serializer binds each blob to it (AES-GCM additional data), so a
 * blob copied to another thread or checkpoint fails to decrypt. Stores pass it on every call.
 */
export interface BlobPlace {
	threadId: string;
	ns: string;
	checkpointId: string;
}

/** Turns checkpoint data into bytes and back. The default is built on a private superjson instance. */
export interface Serializer {
	serialize(value: unknown, place?: BlobPlace): Uint8Array;
	deserialize(bytes: Uint8Array, place?: BlobPlace): unknown;
}
