/**
 * What "fork with this state" posts (`POST /threads/:id/state`): an update, which the graph applies
 * through its reducers like a node's. So only the keys the edit changed are sent: an unchanged list
 * under an appending reducer would be appended to itself.
 */
export function forkUpdate(
	before: Record<string, unknown>,
	after: Record<string, unknown>,
): Record<string, unknown> {
	const update: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(after))
		if (JSON.stringify(before[key]) !== JSON.stringify(value))
			update[key] = value;
	return update;
}
