/** The value of `key` in `map`, added with `make()` when missing. */
export function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
	let value = map.get(key);
	if (value === undefined) {
		value = make();
		map.set(key, value);
	}
	return value;
}
