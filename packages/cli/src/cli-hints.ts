import type { LeaseHolder } from "@weft/checkpoint";
import { exitedHolder } from "./exited-holder.ts";
import { WEFT } from "./invocation.ts";
import { KEY_VARIABLE } from "./reader.ts";
import { shellWord } from "./store.ts";

/**
 * Hints in CLI words for errors whose own hint speaks to the API (`{ waitForLease: ms }`,
 * `getState().interrupts`): a person at a terminal needs the command to type instead. `thread` is the
 * thread the command line named, when it named one; `store` the store flags the command used
 * (`storeFlags`), so that a pasted command reads the same store; `given` the error's own hint; `holder`
 * the lease holder a store's `THREAD_BUSY` names.
 */
export function cliHint(
	code: string,
	thread?: string,
	store = "",
	given?: string,
	holder?: LeaseHolder,
): string | undefined {
	const t = thread === undefined ? "<thread>" : shellWord(thread);
	const weft = `${WEFT}${store}`;
	switch (code) {
		case "THREAD_BUSY": {
			const dead = exitedHolder(holder);
			if (dead !== undefined)
				return `the run that holds it, process ${dead.pid} on this machine, has exited without giving the thread back: it reads \`stale\` once that lease lapses (${dead.until}), and then \`${weft} recover ${t}\` goes on`;
			return `another run holds this thread: follow it with \`${weft} watch ${t}\` and try again when it stops; if its runner died, the thread reads \`stale\` once its lease lapses${holder === undefined ? "" : ` (${holder.expiresAt}, unless renewed)`} and \`${weft} recover ${t}\` goes on`;
		}
		case "NO_PENDING_INTERRUPT":
			// a refusal of the CLI's own already names the commands (the branch that waits, when one does)
			if (given?.includes("`weft ") === true) return given;
			return `see what waits with \`${weft} pending\` (or \`${weft} show ${t}\`); \`${weft} continue ${t}\` runs on without an answer`;
		case "NODE_FAILED":
			// the API's "run the thread again (invoke(null, { threadId }))", as the command that does it
			return given?.replace(
				/run the thread again( \(invoke\(null, \{ threadId \}\)\))?/,
				`run on from where it failed with \`${weft} continue ${t}\``,
			);
		case "GRAPH_RECURSION_LIMIT":
			// the API's hint says to raise recursionLimit in the run config, which no weft command takes
			return `the thread stopped at its last checkpoint and reads \`failed\`: look for the loop with \`${weft} history ${t}\` (a graph with no way to END), or run on from there for as many steps again with \`${weft} continue ${t}\``;
		case "CORRUPT_CHECKPOINT":
			// the API's hint names getStateHistory and updateState
			return `nothing was changed by the read: see the checkpoints with \`${weft} history ${t}\`, run on as a new branch from one before the damaged one with \`${weft} replay ${t} --from <step>\`, or restore the store from a backup`;
		case "GRAPH_CHANGED":
			// the API's hint names a run config option ({ acceptSchemaChange: true }), which no command takes
			return given?.includes("acceptSchemaChange") === true
				? `the thread was written by another version of the graph's state: run the module that wrote it (\`--graph <module>\`), or start a new thread (\`${weft} run <module> --thread <new id>\`); if its stored state fits the new schema, go on from code with { acceptSchemaChange: true } in the run config (no weft command takes it)`
				: given;
		case "DECRYPTION_FAILED":
			// the API's hints name createSerializer's options, which no command line takes
			return decryptionHint(given);
		default:
			return undefined;
	}
}

/** What to set for a store the CLI cannot decrypt: the key variable (reader.ts), by what went wrong. */
function decryptionHint(given: string | undefined): string {
	const keySet = process.env[KEY_VARIABLE] !== undefined;
	if (given?.includes("allowPlaintext") === true)
		return `this store's data is not encrypted: unset ${KEY_VARIABLE} to read it`;
	if (!keySet)
		return `the store is encrypted: set ${KEY_VARIABLE} to the key that wrote it (64 hex digits or base64 of 32 bytes; several keys comma-separated, the first writes), e.g. \`export ${KEY_VARIABLE}=<key>\`, and run the command again`;
	return `${KEY_VARIABLE} does not hold the key that wrote this data: set it to that key, or list every key the store was written with, comma-separated (the first writes); nothing was changed by the read`;
}

/**
 * A hint's commands as this command was typed: each \`weft …\` in it gets the invocation (`pnpm weft` in a
 * checkout) and the store flags (and --graph, `pasteFlags`), unless it names a store or graph itself or reads none (`init`, `completion`), so that
 * pasting it reads the same store.
 */
export function pasteable(hint: string, store: string): string {
	// `pnpm weft …`, `npx weft …`: a hint made with WEFT under them (recover's, answer's)
	return hint.replace(/`(?:pnpm |npx )?weft ([^`]*)`/g, (_, rest: string) =>
		/(^|\s)--(db|postgres|graph)(\s|=)/.test(rest) ||
		/^(init|completion)\b/.test(rest)
			? `\`${WEFT} ${rest}\``
			: `\`${WEFT}${store} ${rest}\``,
	);
}
