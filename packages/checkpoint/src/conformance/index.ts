import { afterEach, beforeEach, describe } from "vitest";
import type { Checkpointer } from "../checkpointer.ts";
import type { Corruption } from "../corruption.ts";
import { branchCases } from "./branch-cases.ts";
import type { ConformanceContext } from "./context.ts";
import { corruptCases } from "./corrupt-cases.ts";
import { historyCases } from "./history-cases.ts";
import { inputCases } from "./input-cases.ts";
import { leaseCases } from "./lease-cases.ts";
import { pruneCases } from "./prune-cases.ts";
import { rootCountCases } from "./root-count-cases.ts";
import { storageCases } from "./storage-cases.ts";
import { threadCases } from "./thread-cases.ts";

/** One store made for one test. */
export interface ConformanceStore {
	checkpointer: Checkpointer;
	cleanup?: () => Promise<void>;
	/**
	 * Damages stored rows behind the store's back (see `Corruption`), for the corrupt-row cases; resolves
	 * false for a kind the backend cannot hold. Without it those cases are skipped.
	 */
	corrupt?: (c: Corruption) => Promise<boolean>;
}

/** Makes an empty store for one test, and cleans it up after. */
export type CheckpointerFactory = () => Promise<ConformanceStore>;

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
		let current: ConformanceStore | undefined;
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
			get corrupt() {
				const hook = current?.corrupt;
				return hook === undefined ? undefined : (c: Corruption) => hook(c);
			},
		};
		storageCases(ctx);
		historyCases(ctx);
		threadCases(ctx);
		leaseCases(ctx);
		branchCases(ctx);
		pruneCases(ctx);
		rootCountCases(ctx);
		inputCases(ctx);
		corruptCases(ctx);
	});
}

export type { Corruption, CorruptionPlace } from "../corruption.ts";
export type { ConformanceContext } from "./context.ts";
export { chainAfter, record, richValues } from "./fixtures.ts";
