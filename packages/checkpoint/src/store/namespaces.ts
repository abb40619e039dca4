import { WeftError } from "../errors.ts";
import { paging } from "./item-text.ts";
import { encodeNamespace, SEPARATOR, underPrefix } from "./namespace.ts";
import type { ListNamespacesOptions } from "./store.ts";

/** `listNamespaces` over the namespaces that hold items: prefix, depth cut, distinct, sorted, paged. */
export function namespacesOf(
	all: readonly string[][],
	options: ListNamespacesOptions,
): string[][] {
	// only an absent prefix means all: a null one is refused as list(null) is
	const prefix = encodeNamespace(
		options.prefix === undefined ? [] : options.prefix,
		{ prefix: true },
	);
	const { limit, offset } = paging(options, 100);
	const { maxDepth } = options;
	if (
		maxDepth !== undefined &&
		!(Number.isSafeInteger(maxDepth) && maxDepth >= 1)
	)
		throw new WeftError(
			"CONFIG_INVALID",
			`listNamespaces maxDepth ${JSON.stringify(maxDepth) ?? String(maxDepth)} is not a whole number ≥ 1`,
			{
				hint: "pass maxDepth as 1, 2, …, or leave it out for whole namespaces",
			},
		);
	const out = new Set<string>();
	for (const ns of all) {
		if (!underPrefix(ns.join(SEPARATOR), prefix)) continue;
		const cut = maxDepth === undefined ? ns : ns.slice(0, maxDepth);
		out.add(cut.join(SEPARATOR));
	}
	return [...out]
		.sort()
		.slice(offset, offset + limit)
		.map((s) => s.split(SEPARATOR));
}
