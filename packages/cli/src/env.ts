import { dirname, resolve } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import type { Output } from "./render/output.ts";
import { openStore, type StoreOptions } from "./store.ts";

/** What every command gets: output, and the store opened on first use (closed at exit). */
export interface CommandEnv {
	out: Output;
	/** The store; `{ create: true }` only for commands that start runs (reading never creates a file). */
	store(options?: { create?: boolean }): Promise<Checkpointer>;
	/** Aborted by Ctrl-C or SIGTERM: runs end cancelled, their last checkpoint valid. */
	signal: AbortSignal;
	/** --graph: the graph module, when the thread does not record one (or it moved). */
	graph: string | undefined;
	/** The project folder: graph module paths are recorded relative to it (the SQLite file's folder). */
	base: string;
	close(): Promise<void>;
}

export function createEnv(
	out: Output,
	options: StoreOptions & { graph?: string | undefined },
): CommandEnv {
	let store: Promise<Checkpointer> | undefined;
	const cancel = new AbortController();
	const onSignal = (name: string) => () =>
		cancel.abort(new Error(`interrupted by ${name}`));
	const onInt = onSignal("Ctrl-C");
	const onTerm = onSignal("SIGTERM");
	process.once("SIGINT", onInt);
	process.once("SIGTERM", onTerm);
	return {
		out,
		signal: cancel.signal,
		graph: options.graph,
		base:
			options.postgres !== undefined || options.db === ":memory:"
				? process.cwd()
				: dirname(resolve(options.db ?? "weft.db")),
		store: ({ create = false } = {}) => {
			store ??= openStore(options, create);
			return store;
		},
		close: async () => {
			process.off("SIGINT", onInt);
			process.off("SIGTERM", onTerm);
			if (store !== undefined)
				await (await store.catch(() => undefined))?.close?.();
		},
	};
}
