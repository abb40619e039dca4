import { createRequire } from "node:module";
import { dirname, join } from "node:path";

let found: string | null | undefined;

/**
 * better-sqlite3's compiled addon, where its install puts it (`build/Release`), for
 * `new Database(path, { nativeBinding })`. Left to itself, better-sqlite3 finds the addon through the
 * `bindings` package, which captures a stack trace to learn its caller's folder and then tries up to a
 * dozen paths: ≈ 1 ms of every new process that opens a file, more on a slow file system (decision 0195).
 * Undefined where the addon is elsewhere, or where a build `bindings` would prefer is present too
 * (`build/`, `build/Debug`): then better-sqlite3 searches as before. Looked up once per process.
 */
export function nativeBinding(): string | undefined {
	found ??= locate();
	return found ?? undefined;
}

function locate(): string | null {
	try {
		const root = dirname(
			createRequire(import.meta.url).resolve("better-sqlite3/package.json"),
		);
		const build = join(root, "build");
		// taken here, not imported: an ES import of `node:fs` reads every export, and its stream classes
		// load Node's streams (≈ 20 internal modules) into a process that never uses them
		const { existsSync } = process.getBuiltinModule("node:fs");
		const release = join(build, "Release", "better_sqlite3.node");
		if (!existsSync(release)) return null;
		for (const preferred of [
			join(build, "better_sqlite3.node"),
			join(build, "Debug", "better_sqlite3.node"),
		])
			if (existsSync(preferred)) return null;
		return release;
	} catch {
		return null;
	}
}
