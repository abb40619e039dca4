import { accessSync, constants, existsSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Why this process may not write the SQLite file at `path`, if it may not: the file itself is read-only
 * (`{}`), or its folder is (`{ folder }`: SQLite makes its -wal and -shm files beside the file, so a
 * writer needs the folder too). Undefined when both may be written (or the folder does not exist: the
 * open then says so).
 */
export function readOnlyFile(path: string): { folder?: string } | undefined {
	const folder = dirname(resolve(path));
	if (existsSync(folder) && !writable(folder)) return { folder };
	if (existsSync(path) && !writable(path)) return {};
	return undefined;
}

function writable(path: string): boolean {
	try {
		accessSync(path, constants.W_OK);
		return true;
	} catch {
		return false;
	}
}
