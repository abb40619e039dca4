import { dirname, resolve } from "node:path";
import type { Checkpointer } from "@weft/checkpoint";
import { EXIT } from "./cli-error.ts";
import type { Output } from "./render/output.ts";
import { onStopSignals } from "./stop-signals.ts";
import {
	openStore,
	pasteFlags,
	type StoreOptions,
	type StoreUse,
} from "./store.ts";

/** What every command gets: output, and the store opened on first use (closed at exit). */
export interface CommandEnv {
	out: Output;
	/**
	 * The store, opened for the first call's use (default `write`): `create` only for commands that start
	 * runs (reading never creates a file), `read` for those that never write.
	 */
	store(use?: StoreUse["access"]): Promise<Checkpointer>;
	/** The thread a command made (`weft run` without --thread), once known: an error names it. */
	madeThread: string | undefined;
	/** Aborted by Ctrl-C or SIGTERM: runs end cancelled, their last checkpoint valid. */
	signal: AbortSignal;
	/** --graph: the graph module, when the thread does not record one (or it moved). */
	graph: string | undefined;
	/** The project folder: graph module paths are recorded relative to it (the SQLite file's folder). */
	base: string;
	/** The SQLite file (undefined for Postgres and `:memory:`). */
	dbFile: string | undefined;
	/**
	 * The store's options as typed, and `--graph` when given, for commands printed to paste (`""` for the
	 * default ./weft.db and no --graph).
	 */
	storeFlags: string;
	close(): Promise<void>;
}

export function createEnv(
	out: Output,
	options: StoreOptions & { graph?: string | undefined },
	command?: string,
): CommandEnv {
	let store: Promise<Checkpointer> | undefined;
	const cancel = new AbortController();
	// The first signal cancels the run: it ends at its last checkpoint and gives its lease up (the
	// command waits for that, see cancel.ts). A second one is a person who will not wait: exit now.
	const stopListening = onStopSignals(
		(reason) => cancel.abort(reason),
		() => {
			process.stderr.write(
				"\nstopped at once: the thread may read `running` until its lease lapses (the graph's leaseTtlMs, 30 s unless set), then `weft continue` goes on\n",
			);
			process.exit(EXIT.cancelled);
		},
	);
	return {
		out,
		madeThread: undefined,
		signal: cancel.signal,
		graph: options.graph,
		base:
			options.postgres !== undefined || options.db === ":memory:"
				? process.cwd()
				: dirname(resolve(options.db ?? "weft.db")),
		dbFile:
			options.postgres !== undefined || options.db === ":memory:"
				? undefined
				: resolve(options.db ?? "weft.db"),
		storeFlags: pasteFlags(options, command),
		store: (access = "write") => {
			store ??= openStore(options, { access, command });
			return store;
		},
		close: async () => {
			stopListening();
			if (store !== undefined)
				await (await store.catch(() => undefined))?.close?.();
		},
	};
}
