import type { Checkpointer } from "@weft/checkpoint";
import type { Output } from "./render/output.ts";
import { openStore, type StoreOptions } from "./store.ts";

/** What every command gets: output, and the store opened on first use (closed at exit). */
export interface CommandEnv {
	out: Output;
	store(): Promise<Checkpointer>;
	/** Aborted by Ctrl-C: runs end cancelled, their last checkpoint valid. */
	signal: AbortSignal;
	/** --graph: the graph module, when the thread does not record one. */
	graph: string | undefined;
	close(): Promise<void>;
}

export function createEnv(
	out: Output,
	options: StoreOptions & { graph?: string | undefined },
): CommandEnv {
	let store: Promise<Checkpointer> | undefined;
	const cancel = new AbortController();
	const onSigint = () => cancel.abort(new Error("interrupted by Ctrl-C"));
	process.once("SIGINT", onSigint);
	return {
		out,
		signal: cancel.signal,
		graph: options.graph,
		store: () => {
			store ??= openStore(options);
			return store;
		},
		close: async () => {
			process.off("SIGINT", onSigint);
			if (store !== undefined) await (await store).close?.();
		},
	};
}
