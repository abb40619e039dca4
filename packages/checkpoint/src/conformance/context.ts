import type { Checkpointer } from "../checkpointer.ts";
import type { Corruption } from "../corruption.ts";

/** Gives each test a fresh, empty checkpointer. */
export interface ConformanceContext {
	checkpointer(): Checkpointer;
	/**
	 * Damages the current checkpointer's stored rows (see `Corruption`); undefined when the backend
	 * offers no hook. Resolves false for a kind the backend cannot hold.
	 */
	corrupt: ((c: Corruption) => Promise<boolean>) | undefined;
}
