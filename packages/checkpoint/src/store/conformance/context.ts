import type { Store, StoreIndexOptions } from "../store.ts";

/** Makes an empty store for one test (with the given index options), and cleans it up after. */
export type StoreFactory = (options: {
	index?: StoreIndexOptions | undefined;
}) => Promise<{ store: Store; cleanup?: () => Promise<void> }>;

/** Gives each test a fresh, empty store. */
export interface StoreConformanceContext {
	open(options?: { index?: StoreIndexOptions | undefined }): Promise<Store>;
}
