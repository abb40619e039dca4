/**
 * How to type `weft` in a command printed for the user to copy: `pnpm weft` when this process was started
 * by a pnpm script named `weft` (a checkout, a project made by `weft init`: no `weft` on the PATH
 * there), else `weft`.
 */
export const WEFT =
	process.env.npm_lifecycle_event === "weft" &&
	(process.env.npm_config_user_agent ?? "").startsWith("pnpm/")
		? "pnpm weft"
		: "weft";
