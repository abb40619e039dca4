// The whole conformance suite on a store whose serializer encrypts: every read path passes the place
// its blob was written at (or the place-bound blobs would not decrypt). The damaged-row cases write
// plaintext blobs, which an encrypting store refuses as such (serializer-encryption.test.ts).
import { randomBytes } from "node:crypto";
import { createSerializer, MemoryCheckpointer } from "@weft/checkpoint";
import { checkpointerConformance } from "@weft/checkpoint/conformance";

const encryptionKey = randomBytes(32);

checkpointerConformance("memory, encrypted", async () => {
	const checkpointer = new MemoryCheckpointer({
		serializer: createSerializer({ encryptionKey }),
	});
	return {
		checkpointer,
	};
});
