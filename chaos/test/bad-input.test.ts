// The bad-input fuzz: ≥ 1,000 generated calls with odd ids, configs, updates, resume values, options and
// metadata, on every backend: typed errors only, no hang (a per-case limit), no crash, and a known-good
// thread in the same store stays as it was.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { badInputCase } from "../src/bad-inputs.ts";
import { isKnownGap } from "../src/known-gaps.ts";
import { failures, runCases } from "../src/run-cases.ts";
import { durableBackends } from "../src/stores.ts";
import { tally } from "../src/tally.ts";

const CASES = 400;
const backends = await durableBackends("input");
const memoryDir = mkdtempSync(join(tmpdir(), "wt-chaos-"));
afterAll(async () => {
	for (const b of backends) await b.cleanup();
	rmSync(memoryDir, { recursive: true, force: true });
});
const counts = tally("bad-input fuzz");
const targets = [
	{ kind: "memory" as const, location: "", dir: memoryDir },
	...backends.map((b) => ({
		kind: b.kind,
		location: b.fresh().location,
		dir: b.dir,
	})),
];

describe.concurrent.each(targets)("bad inputs ($kind)", (target) => {
	it(`${CASES} generated cases: typed errors only, nothing saved lost`, async () => {
		const report = await runCases(
			{ suite: "bad-input", ...target, to: CASES, caseTimeoutMs: 10_000 },
			{ stallMs: 30_000, maxRestarts: 20 },
		);
		const bad = failures(report.results);
		counts.add("cases", report.results.length);
		counts.add(
			`${target.kind}.typed`,
			report.results.filter((r) => r.result.startsWith("typed:")).length,
		);
		counts.add(`${target.kind}.failures`, bad.length);
		counts.add(`${target.kind}.restarts`, report.restarts);
		const lines = bad.map(
			(r) => `#${r.i} ${badInputCase(r.i).name}: ${r.result}`,
		);
		counts.add(`${target.kind}.knownGaps`, lines.filter(isKnownGap).length);
		// anything but a known gap (src/known-gaps.ts) fails
		expect(lines.filter((l) => !isKnownGap(l))).toEqual([]);
		expect(report.results).toHaveLength(CASES);
	}, 240_000);
});
