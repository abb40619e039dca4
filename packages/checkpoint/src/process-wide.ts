/**
 * One value per process for `key`, shared by every copy of this package that asks for it (decision 0245):
 * a CLI or server of its own copy runs a project's graph, which imported the project's copy.
 */
export function processWide<T>(key: string, make: () => T): T {
	const slots = globalThis as Record<symbol, T | undefined>;
	const slot = Symbol.for(key);
	const found = slots[slot];
	if (found !== undefined) return found;
	const made = make();
	slots[slot] = made;
	return made;
}
