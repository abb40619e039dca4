import { afterEach, describe } from "vitest";
import type { Store, StoreIndexOptions } from "../store.ts";
import type { StoreConformanceContext, StoreFactory } from "./context.ts";
import { edgeCases } from "./edge-cases.ts";
import { indexCases } from "./index-cases.ts";
import { inputCases } from "./input-cases.ts";
import { itemCases } from "./item-cases.ts";
import { listCases } from "./list-cases.ts";
import { searchCases } from "./search-cases.ts";
import { textCases } from "./text-cases.ts";

/**
 * Registers the `Store` conformance suite (vitest) for a backend: every Weft store passes it, and a
 * third-party store should too.
 * @example
 * storeConformance("my-store", async ({ index }) => ({ store: new MyStore({ index }), cleanup: … }));
 */
export function storeConformance(name: string, factory: StoreFactory): void {
	describe(`store conformance: ${name}`, () => {
		const opened: { store: Store; cleanup?: () => Promise<void> }[] = [];
		afterEach(async () => {
			for (const o of opened.splice(0)) {
				await o.store.close();
				await o.cleanup?.();
			}
		});
		const ctx: StoreConformanceContext = {
			open: async (options: { index?: StoreIndexOptions | undefined } = {}) => {
				const o = await factory(options);
				opened.push(o);
				return o.store;
			},
		};
		itemCases(ctx);
		inputCases(ctx);
		edgeCases(ctx);
		indexCases(ctx);
		listCases(ctx);
		searchCases(ctx);
		textCases(ctx);
	});
}

export type { StoreFactory } from "./context.ts";
export { WordEmbeddings } from "./fixtures.ts";
