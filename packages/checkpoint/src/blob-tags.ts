// The first byte of every stored blob says how the rest was written.
/** "j": JSON.stringify output. */
export const PLAIN = 0x6a;
/** "t": JSON with registered types as `{ "\u0000weft": name, v: plain }`. */
export const TAGGED = 0x74;
/**
 * "m": as "t", with each LangChain message inline, `{ "\u0000lc": class, ...its fields }`: one object a
 * message instead of three, what reading a conversation mostly parses (decision 0276). Written since 8 Dec.
 */
export const INLINE = 0x6d;
/** "s": superjson output. */
export const RICH = 0x73;
/** "e": AES-256-GCM without additional data (before blobs were bound to their place). */
export const ENCRYPTED_UNBOUND = 0x65;
/** "E": AES-256-GCM with the blob's place (thread, namespace, checkpoint) as additional data. */
export const ENCRYPTED = 0x45;
