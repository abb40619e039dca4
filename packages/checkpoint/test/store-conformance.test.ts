import { MemoryStore } from "@weft/checkpoint";
import { storeConformance } from "@weft/checkpoint/store-conformance";

storeConformance("memory", async ({ index }) => ({
	store: new MemoryStore({ index }),
}));
