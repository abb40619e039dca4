import type { WeftError } from "@weft/checkpoint";
import { EXIT } from "./cli-error.ts";

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

/**
 * Resolves on SIGINT or SIGTERM (undefined), or with the error given to `lost`: the server lost its
 * database to another process (decision 0110), and the command ends with it. It keeps listening after
 * the first signal: a repeat within moments is the same Ctrl-C (tsx, which `pnpm weft` runs through,
 * relays the terminal's SIGINT to the process again when it does not confirm it within 30 ms, and with
 * nobody listening tsx's own handler exited 130 at once, abandoning the runs in flight); a later one is
 * a person who will not wait: `abandoned` (what is left undone and how to go on) is printed and the
 * process exits 130 (decision 0229).
 */
export function stopSignal(abandoned: string): {
	stopped: Promise<WeftError | undefined>;
	lost(error: WeftError): void;
} {
	let lost: (error: WeftError) => void = () => {};
	const stopped = new Promise<WeftError | undefined>((done) => {
		const stopListening = onStopSignals(
			() => done(undefined),
			() => {
				process.stderr.write(`\nstopped at once: ${abandoned}\n`);
				process.exit(EXIT.cancelled);
			},
		);
		lost = (error) => {
			stopListening();
			done(error);
		};
	});
	return { stopped, lost: (error) => lost(error) };
}
