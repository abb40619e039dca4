// W6: start-up cost and install footprint, for both engines as users install them (see installs.ts).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import type { Sizes } from "../sizes.ts";
import { round } from "../stats.ts";
import { type Case, coldStarts, instrumentedImport } from "./cold-start.ts";
import { type Install, installs } from "./installs.ts";

const bench = join(import.meta.dirname, "../..");
const esm = (cwd: string, ...specifiers: string[]): Case => ({
	cwd,
	args: [
		"--input-type=module",
		"-e",
		specifiers.map((s) => `await import(${JSON.stringify(s)});`).join(" "),
	],
});
const cjs = (cwd: string, specifier: string): Case => ({
	cwd,
	args: ["-e", `require(${JSON.stringify(specifier)})`],
});

export async function w6(p: Sizes["w6"]) {
	const i = installs(p.peer);
	const weft = i["weft-core"]!;
	const weftFull = i["weft-full"]!;
	const cases: Record<string, Case> = {
		empty: { cwd: bench, args: ["-e", "0"] },
		weft_require: cjs(weft.dir, "@weft/graph"),
		weft_import: esm(weft.dir, "@weft/graph"),
		weft_w3_stack: esm(
			weftFull.dir,
			"@weft/graph",
			"@langchain/core/messages",
			"@weft/graph/llm",
			"@weft/checkpoint-sqlite",
		),
		// running from TypeScript source (the workspace, tsx, the @weft/source condition) instead of dist
		tsx_empty: { cwd: bench, args: ["--import", "tsx", "-e", "0"] },
		weft_source_import: {
			cwd: bench,
			args: [
				"--import",
				"tsx",
				"--conditions",
				"@weft/source",
				"--input-type=module",
				"-e",
				'await import("@weft/graph")',
			],
		},
	};
	const peer = i["peer-core"];
	const peerFull = i["peer-full"];
	if (peer !== undefined && peerFull !== undefined) {
		cases.peer_require = cjs(peer.dir, "@langchain/langgraph");
		cases.peer_import = esm(peer.dir, "@langchain/langgraph");
		cases.peer_w3_stack = esm(
			peerFull.dir,
			"@langchain/langgraph",
			"@langchain/core/messages",
			"@langchain/langgraph-checkpoint-sqlite",
		);
	}
	const ms = coldStarts(cases, p.warmup, p.rounds);
	const emptyRss = Number(
		execFileSync(
			process.execPath,
			["-e", "process.stdout.write(String(process.resourceUsage().maxRSS))"],
			{
				encoding: "utf8",
			},
		),
	);
	const engine = (
		prefix: "weft" | "peer",
		core: Install,
		full: Install,
		specifier: string,
	) => ({
		cold_require_ms: ms[`${prefix}_require`],
		cold_import_ms: ms[`${prefix}_import`],
		import_minus_empty_ms: round(ms[`${prefix}_import`]! - ms.empty!, 1),
		require_minus_empty_ms: round(ms[`${prefix}_require`]! - ms.empty!, 1),
		w3_stack_import_ms: ms[`${prefix}_w3_stack`],
		in_process: instrumentedImport([specifier], core.dir, p.inProcess),
		install_kib: core.kib,
		install_packages: core.packages,
		install_biggest_kib: Object.fromEntries(core.biggest.slice(0, 6)),
		full_install_kib: full.kib,
		full_install_packages: full.packages,
	});
	return {
		cold_empty_ms: ms.empty,
		empty_peak_rss_mb: round(emptyRss / 1024, 1),
		weft: {
			...engine("weft", weft, weftFull, "@weft/graph"),
			source_tsx_import_ms: ms.weft_source_import,
			source_tsx_import_minus_tsx_empty_ms: round(
				ms.weft_source_import! - ms.tsx_empty!,
				1,
			),
			tsx_empty_ms: ms.tsx_empty,
		},
		...(peer !== undefined && peerFull !== undefined
			? { langgraph: engine("peer", peer, peerFull, "@langchain/langgraph") }
			: {}),
		installs: {
			weft_core:
				"@weft/graph + @weft/checkpoint tarballs (pnpm pack of the build)",
			weft_full: "+ @weft/checkpoint-sqlite, @langchain/core 1.4.0",
			peer_core: "@langchain/langgraph 1.7.3, @langchain/core 1.4.0, zod 4.6.7",
			peer_full: "+ @langchain/langgraph-checkpoint-sqlite 1.0.4",
		},
	};
}
