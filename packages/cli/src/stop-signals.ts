/** Signals closer together than this are one keypress delivered twice. */
const DOUBLE_MS = 500;

/**
 * Listens for Ctrl-C and SIGTERM: the first calls `first` with why (a command then cancels its work and
 * waits for it to end), a later one calls `again` (a person who will not wait). One Ctrl-C can arrive
 * twice (the terminal signals the process group, and a wrapper such as tsx relays it again tens of ms
 * later): a repeat within DOUBLE_MS is the same keypress. Returns the function that stops listening.
 */
export function onStopSignals(
	first: (reason: Error) => void,
	again: () => void,
): () => void {
	let at: number | undefined;
	const onSignal = (name: string) => () => {
		if (at === undefined) {
			at = Date.now();
			first(new Error(`interrupted by ${name}`));
			return;
		}
		if (Date.now() - at >= DOUBLE_MS) again();
	};
	const onInt = onSignal("Ctrl-C");
	const onTerm = onSignal("SIGTERM");
	process.on("SIGINT", onInt);
	process.on("SIGTERM", onTerm);
	return () => {
		process.off("SIGINT", onInt);
		process.off("SIGTERM", onTerm);
	};
}
