import { resolve } from "node:path";
import type { Command as Program } from "commander";
import { portOf } from "../cli-error.ts";
import { withExamples } from "../command-kit.ts";
import { listening } from "../listen.ts";
import { graphOfThread } from "../load-graph.ts";
import { stopSignal } from "../stop-signals.ts";
import { openStore, type StoreOptions } from "../store.ts";

interface StudioOptions {
	port: string;
	host: string;
}

/**
 * Serves Weft Studio on an existing store (`--db` / `--postgres`) without registering graphs: threads,
 * timelines, state, diffs and the inbox are read from the store; a thread whose runs recorded their
 * graph module gets its full state through it. Running, answering and forking need `weft dev`.
 */
export async function studio(
	o: StudioOptions,
	store: StoreOptions,
): Promise<number> {
	// a reading command: a --db that is not there is a typo, not a new empty store; a file this user may
	// only read is opened read-only
	const checkpointer = await openStore(store, {
		access: "read",
		command: "studio",
	});
	const base = store.db === undefined ? process.cwd() : resolve(store.db, "..");
	const { serve, studioBuild } = await import("@weft/server");
	const server = await listening(
		serve({
			graphs: {},
			checkpointer,
			port: portOf(o.port),
			hostname: o.host,
			studio: {
				resolveGraph: (threadId) =>
					graphOfThread(checkpointer, threadId, undefined, base).then(
						(g) => g.graph,
						() => undefined,
					),
			},
		}),
	);
	const built = studioBuild();
	process.stdout.write(
		built.built
			? `weft studio: listening on http://${o.host}:${server.port} (open http://${o.host}:${server.port}/studio/)\n`
			: `weft studio: listening on http://${o.host}:${server.port}, but the studio is not built, so /studio/ answers 404: ${built.hint}\n`,
	);
	// a repeated signal (tsx relays Ctrl-C again) is the same stop; studio leaves nothing undone
	await stopSignal("the studio only reads the store: nothing was left undone")
		.stopped;
	await server.close();
	await checkpointer.close?.();
	return 0;
}

/** Registers `weft studio` on the program. */
export function registerStudio(
	program: Program,
	exit: (code: number) => void,
	report: (error: unknown) => number,
): void {
	const command = program
		.command("studio")
		.description(
			"open Weft Studio on an existing store (read, diff, inbox) without graphs; `weft dev` serves it with runs",
		)
		.option("--port <n>", "port (0: any free one)", "4024")
		.option("--host <host>", "interface to listen on", "127.0.0.1")
		.action(async (o: StudioOptions) => {
			try {
				exit(await studio(o, program.opts<StoreOptions>()));
			} catch (error) {
				exit(report(error));
			}
		});
	withExamples(command, [
		"weft studio --db weft.db --port 4024",
		"weft studio --postgres postgres://localhost/app",
	]);
}
