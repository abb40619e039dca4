import type { Command } from "commander";
import type { CommandEnv } from "./env.ts";

/**
 * Wraps a command's body: builds its env (output, store, signals), prints errors, and reports the exit
 * code. Every command module exports `xxxCommand(act)` returning a commander `Command`.
 */
export type Act = <TArgs extends unknown[]>(
	fn: (env: CommandEnv, ...args: TArgs) => Promise<number>,
) => (...args: TArgs) => Promise<void>;

/** Adds an "Examples:" block to a command's --help. */
export function withExamples(
	command: Command,
	lines: readonly string[],
): Command {
	return command.addHelpText(
		"after",
		`\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`,
	);
}
