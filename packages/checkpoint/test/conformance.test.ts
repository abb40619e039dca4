import { MemoryCheckpointer } from "@weft/checkpoint";
import { checkpointerConformance } from "@weft/checkpoint/conformance";
import { CORRUPT_MEMORY } from "../src/memory-checkpointer.ts";

checkpointerConformance("memory", async () => {
	const checkpointer = new MemoryCheckpointer();
	return {
		checkpointer,
		corrupt: async (c) => checkpointer[CORRUPT_MEMORY](c),
	};
});
