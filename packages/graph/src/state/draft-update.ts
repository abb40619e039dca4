import { createRequire } from "node:module";
import type { Draft, Immer } from "immer";

// Private instance: auto-freeze off, because freezing a large state on every step costs more than the update.
// Loaded on first use, not with the package (start-up time).
let immer: Immer | undefined;
const load = (): Immer => {
	const { Immer: ImmerClass } = createRequire(import.meta.url)(
		"immer",
	) as typeof import("immer");
	immer = new ImmerClass({ autoFreeze: false });
	return immer;
};

/**
 * Computes a node's update by mutating a draft of the state: returns only the top-level keys the recipe
 * changed, each a new value that shares every untouched part with the old one. Meant for last-value
 * keys; reducer keys take their reducer's update instead.
 * @example
 * .addNode("rename", (s) => draftUpdate(s, (d) => { d.profile.name = "Ann"; }))
 */
export function draftUpdate<TState extends object>(
	state: TState,
	recipe: (draft: Draft<TState>) => void,
): Partial<TState> {
	const next = (immer ?? load()).produce(state, recipe) as TState;
	const update: Partial<TState> = {};
	for (const key of Object.keys(next) as Array<keyof TState>) {
		if (next[key] !== state[key]) update[key] = next[key];
	}
	return update;
}
