import { isWeftError } from "@weft/checkpoint";
import { UsageError } from "./cli-error.ts";

/**
 * The server's start, with a port it cannot listen on (taken, or not allowed) as a `USAGE` error that
 * names the `--port` to change: `serve()` refuses it with `CONFIG_INVALID` and the system error as cause.
 */
export async function listening<T>(
	server: Promise<T>,
	flag = "--port",
): Promise<T> {
	try {
		return await server;
	} catch (error) {
		const cause = (error as { cause?: { code?: unknown } }).cause;
		if (
			isWeftError(error, "CONFIG_INVALID") &&
			(cause?.code === "EADDRINUSE" || cause?.code === "EACCES")
		)
			throw new UsageError(
				error.message,
				`pass another ${flag}, or ${flag} 0 for any free one`,
			);
		throw error;
	}
}
