import type { Checkpointer } from "../checkpointer.ts";

/** Gives each test a fresh, empty checkpointer. */
export interface ConformanceContext {
	checkpointer(): Checkpointer;
}
