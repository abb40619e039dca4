/**
 * Waits until every promise has settled (fulfilled or rejected: one that rejects does not end the wait
 * early), or until `ms` have passed, whichever comes first. Never rejects.
 */
export async function settledWithin(
	promises: readonly Promise<unknown>[],
	ms: number,
): Promise<void> {
	if (promises.length === 0) return;
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([
		Promise.allSettled(promises),
		new Promise((resolve) => {
			timer = setTimeout(resolve, ms);
		}),
	]);
	clearTimeout(timer);
}
