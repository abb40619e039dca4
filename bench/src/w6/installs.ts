// W6 footprint: the install a user gets. Weft's packages are built, packed with `pnpm pack` and installed
// from the tarballs with `npm install` into a temporary project; LangGraph.js is installed from the registry
// the same way. Installs are cached under bench/.cache, keyed by the tarballs' hashes and the versions.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const root = join(import.meta.dirname, "../../..");
const cache = join(root, "bench/.cache/w6");

export type InstallId = "weft-core" | "weft-full" | "peer-core" | "peer-full";

export interface Install {
	dir: string;
	kib: number;
	packages: number;
	/** Packages installed, with their size in KiB, biggest first (the first ten). */
	biggest: [string, number][];
}

const PEER_CORE = [
	"@langchain/langgraph@1.7.3",
	"@langchain/core@1.4.0",
	"zod@4.6.7",
];

/** Packs a workspace package (build it first) and returns the tarball's path. */
function pack(pkg: string, dest: string): string {
	const out = execFileSync("pnpm", ["pack", "--pack-destination", dest], {
		cwd: join(root, "packages", pkg),
		encoding: "utf8",
	});
	const tgz = out.trim().split("\n").at(-1)!.trim();
	return tgz.startsWith("/") ? tgz : join(dest, tgz);
}

const duKib = (path: string) =>
	Number(
		execFileSync("du", ["-sk", path], { encoding: "utf8" }).split("\t")[0],
	);

/** Every installed package directory under a node_modules (nested ones too). */
function packageDirs(nodeModules: string): string[] {
	const out: string[] = [];
	if (!existsSync(nodeModules)) return out;
	for (const entry of readdirSync(nodeModules)) {
		if (entry.startsWith(".")) continue;
		const names = entry.startsWith("@")
			? readdirSync(join(nodeModules, entry)).map((s) => `${entry}/${s}`)
			: [entry];
		for (const name of names) {
			const dir = join(nodeModules, name);
			if (!existsSync(join(dir, "package.json"))) continue;
			out.push(dir);
			out.push(...packageDirs(join(dir, "node_modules")));
		}
	}
	return out;
}

function npmInstall(dir: string, specs: string[], key: string): void {
	const marker = join(dir, ".bench-key");
	if (existsSync(marker) && readFileSync(marker, "utf8") === key) return;
	// installed over the last one, so that an unchanged native module (better-sqlite3) is not rebuilt
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		join(dir, "package.json"),
		'{ "private": true, "type": "module" }\n',
	);
	execFileSync(
		"npm",
		[
			"install",
			"--no-audit",
			"--no-fund",
			"--omit=dev",
			"--loglevel=error",
			"--ignore-scripts",
			...specs,
		],
		{
			cwd: dir,
			stdio: ["ignore", "ignore", "inherit"],
		},
	);
	buildAddons(dir);
	writeFileSync(marker, key);
}

/**
 * The install scripts skipped above, better-sqlite3's the only one in these closures. Its script downloads
 * a prebuilt addon (one `.node` file) and compiles SQLite from source where it cannot (no network to
 * GitHub, as on CI): ≈ 90 s of CPU an install, and 17 MB of build files a user with the download never has.
 * The workspace's addon of the same version is that file, so it is copied where the download would put
 * it; another version runs its own script (`npm rebuild`).
 */
function buildAddons(dir: string): void {
	const installed = join(dir, "node_modules/better-sqlite3");
	if (!existsSync(installed)) return;
	const version = (path: string) =>
		(
			JSON.parse(readFileSync(join(path, "package.json"), "utf8")) as {
				version: string;
			}
		).version;
	const ours = dirname(
		createRequire(
			join(root, "packages/checkpoint-sqlite/package.json"),
		).resolve("better-sqlite3/package.json"),
	);
	const addon = join(ours, "build/Release/better_sqlite3.node");
	if (version(installed) === version(ours) && existsSync(addon)) {
		mkdirSync(join(installed, "build/Release"), { recursive: true });
		copyFileSync(addon, join(installed, "build/Release/better_sqlite3.node"));
		return;
	}
	execFileSync(
		"npm",
		[
			"rebuild",
			"better-sqlite3",
			"--loglevel=error",
			"--foreground-scripts=false",
		],
		{ cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
	);
}

function measure(dir: string): Install {
	const nm = join(dir, "node_modules");
	const dirs = packageDirs(nm);
	const sized = dirs
		.map((d) => [d.slice(nm.length + 1), duKib(d)] as [string, number])
		.sort((a, b) => b[1] - a[1]);
	return {
		dir,
		kib: duKib(nm),
		packages: dirs.length,
		biggest: sized.slice(0, 10),
	};
}

/** Packs Weft (built) and installs the closures of W6 (cached; the peer's only if asked); returns their sizes. */
export function installs(peer: boolean): Partial<Record<InstallId, Install>> {
	const tarballs = join(cache, "tarballs");
	rmSync(tarballs, { recursive: true, force: true });
	mkdirSync(tarballs, { recursive: true });
	const graph = pack("graph", tarballs);
	const checkpoint = pack("checkpoint", tarballs);
	const sqlite = pack("checkpoint-sqlite", tarballs);
	// tarballs carry timestamps: hash what they hold
	const hash = createHash("sha256");
	for (const t of [graph, checkpoint, sqlite])
		hash.update(execFileSync("tar", ["-xOzf", t], { maxBuffer: 1 << 28 }));
	const weftKey = hash.digest("hex");
	const weftCore = [graph, checkpoint];
	const dirs: Record<InstallId, [string[], string]> = {
		"weft-core": [weftCore, weftKey],
		"weft-full": [[...weftCore, sqlite, "@langchain/core@1.4.0"], weftKey],
		"peer-core": [PEER_CORE, PEER_CORE.join(" ")],
		"peer-full": [
			[...PEER_CORE, "@langchain/langgraph-checkpoint-sqlite@1.0.4"],
			PEER_CORE.join(" "),
		],
	};
	const out: Partial<Record<InstallId, Install>> = {};
	for (const [id, [specs, key]] of Object.entries(dirs) as [
		InstallId,
		[string[], string],
	][]) {
		if (!peer && id.startsWith("peer")) continue;
		const dir = join(cache, id);
		npmInstall(dir, specs, `${key} ${process.version}`);
		out[id] = measure(dir);
	}
	return out;
}
