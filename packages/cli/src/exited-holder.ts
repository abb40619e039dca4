import type { LeaseHolder } from "@weft/checkpoint";
import { exitedRunner } from "@weft/graph";
import { WEFT } from "./invocation.ts";
import { shellWord } from "./store.ts";

/** A lease holder that is a process of this machine which no longer runs. */
export interface ExitedHolder {
	pid: number;
	/** When its lease lapses (the holder's `expiresAt`): the thread reads `stale` from then on. */
	until: string;
}

/**
 * The lease holder (owner `host:pid:…#n`, `runnerId()`), when it is a process of this machine that no
 * longer runs (a `weft run` killed mid-step; `exitedRunner` of @weft/graph): its lease stays until it
 * lapses, and the store still says `running`. A thread's status is the store's (API.md): the CLI's
 * displays add the note, and a process of another machine, or another user's (EPERM), cannot be seen.
 */
export function exitedHolder(
	holder: LeaseHolder | undefined | null,
): ExitedHolder | undefined {
	if (holder === undefined || holder === null) return undefined;
	const pid = exitedRunner(holder.owner);
	return pid === undefined ? undefined : { pid, until: holder.expiresAt };
}

/**
 * What a thread's exited runner means for it (`weft threads`' note, `weft watch`'s): when it reads `stale`
 * and what then goes on. `storeFlags`: the store flags of the command that prints it.
 */
export function exitedText(
	gone: ExitedHolder,
	threadId: string,
	storeFlags: string,
): string {
	return `its runner (process ${gone.pid} on this machine) has exited: it reads \`stale\` ${lapseText(gone.until)}, and then \`${WEFT}${storeFlags} recover ${shellWord(threadId)}\` goes on`;
}

/**
 * When a lease lapses, as a person reads it: by this machine's clock, so "about" (a Postgres store judges
 * expiry by its own clock).
 */
function lapseText(expiresAt: string): string {
	const at = expiresAt.replace("T", " ").slice(0, 19);
	const seconds = Math.ceil((Date.parse(expiresAt) - Date.now()) / 1000);
	return seconds > 0
		? `in about ${seconds} s, when its lease lapses (${at})`
		: `any moment now (its lease lapses at ${at} by the store's clock)`;
}
