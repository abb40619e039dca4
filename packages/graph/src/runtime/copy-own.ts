/**
 * Copies `source`'s own enumerable string keys into `target`, as an object spread does (a `__proto__` key
 * becomes an own key, never the prototype), and returns `target`. On hot paths this replaces a literal
 * that spreads an object and adds keys, which costs ≈ 1 µs in Node 20 (issue 17).
 */
export function copyOwn<T extends Record<string, unknown>>(
	target: T,
	source: Readonly<Record<string, unknown>> | undefined,
): T {
	if (source === undefined) return target;
	// for…in with hasOwn, not Object.keys: no array of keys per copy (perf, issue 17)
	for (const key in source) {
		if (!Object.hasOwn(source, key)) continue;
		if (key === "__proto__")
			Object.defineProperty(target, key, {
				value: source[key],
				enumerable: true,
				writable: true,
				configurable: true,
			});
		else (target as Record<string, unknown>)[key] = source[key];
	}
	return target;
}
