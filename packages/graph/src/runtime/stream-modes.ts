import { ConfigError } from "@weft/checkpoint";
import type { StreamMode } from "./events.ts";

/** What `stream()` yields when no `mode` is given (all but `debug`). */
export const DEFAULT_MODES: ReadonlySet<StreamMode> = new Set([
	"values",
	"updates",
	"messages",
	"custom",
	"checkpoints",
]);

const KNOWN_MODES: ReadonlySet<string> = new Set([...DEFAULT_MODES, "debug"]);

/** The modes a stream was asked for; an unknown one (say "update" for "updates") is `CONFIG_INVALID`. */
export function streamModes(mode: unknown): Set<StreamMode> {
	const list = typeof mode === "string" ? [mode] : mode;
	const bad = Array.isArray(list)
		? list.filter((m) => !KNOWN_MODES.has(m as string))
		: [list];
	if (bad.length > 0)
		throw new ConfigError(
			"CONFIG_INVALID",
			`unknown stream mode ${bad.map((m) => JSON.stringify(m) ?? String(m)).join(", ")}`,
			{
				hint: `mode is one of ${[...KNOWN_MODES].map((m) => `"${m}"`).join(", ")}, or an array of them`,
			},
		);
	return new Set(list as StreamMode[]);
}
