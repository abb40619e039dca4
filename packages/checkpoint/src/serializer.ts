/**
 * Where a blob lives: an encrypting serializer binds each blob to it (AES-GCM additional data), so a
 * blob copied to another thread or checkpoint fails to decrypt. Stores pass it on every call.
 */
export interface BlobPlace {
	threadId: string;
	ns: string;
	checkpointId: string;
}

/**
 * Turns checkpoint data into bytes and back. The default is built on a private superjson instance. A small
 * blob may be a view into a buffer shared with other blobs (the default cuts them from a slab, as Node pools
 * small Buffers; decisions 0043, 0044): read it through its `byteOffset` and `byteLength` or copy its bytes
 * (`Buffer.from(blob)`, `blob.slice()`), never use its `.buffer`, and never write into it.
 */
export interface Serializer {
	serialize(value: unknown, place?: BlobPlace): Uint8Array;
	deserialize(bytes: Uint8Array, place?: BlobPlace): unknown;
}
