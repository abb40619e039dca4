import { MemoryCheckpointer } from "@weft/checkpoint";
import { checkpointerConformance } from "@weft/checkpoint/conformance";

checkpointerConformance("memory", async () => ({
	checkpointer: new MemoryCheckpointer(),
}));
