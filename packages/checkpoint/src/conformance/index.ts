import { afterEach, beforeEach, describe } from "vitest";
import type { Checkpointer } from "../checkpointer.ts";
import type { ConformanceContext } from "./context.ts";
import { historyCases } from "./history-cases.ts";
import { storageCases } from "./storage-cases.ts";
import { threadCases } from "./thread-cases.ts";

/** Makes an empty store for one test, and cleans it up after. */
export type CheckpointerFactory = () => Promise<{
	checkpointer: Checkpointer;
	cleanup?: () => Promise<void>;
}>;

/**
 * Registers the checkpointer conformance suite (vitest) for a backend: every Weft store passes it, and a
 * third-party store should too.
 * @example
 * checkpointerConformance("my-store", async () => ({ checkpointer: new MyCheckpointer(), cleanup: … }));
 */
export function checkpointerConformance(
	name: string,
	factory: CheckpointerFactory,
): void {
	describe(`checkpointer conformance: ${name}`, () => {
		let current:
			| { checkpointer: Checkpointer; cleanup?: () => Promise<void> }
			| undefined;
		beforeEach(async () => {
			current = await factory();
		});
		afterEach(async () => {
			await current?.cleanup?.();
			current = undefined;
		});
		const ctx: ConformanceContext = {
			checkpointer: () => {
				if (current === undefined)
					throw new Error("the conformance factory did not run");
				return current.checkpointer;
			},
		};
		storageCases(ctx);
		historyCases(ctx);
		threadCases(ctx);
	});
}

export { chainAfter, record, richValues } from "./fixtures.ts";
