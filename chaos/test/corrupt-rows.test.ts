// The corrupt-row fuzz: every corruption × every read path × every durable backend gives the state or a
// typed error (never a raw TypeError, a hang or a crash, never a broken state read silently), and a
// known-good thread in the same store stays as it was.
import { afterAll, describe, expect, it } from "vitest";
import {
	CORRUPT_CASES,
	describeCorruptCase,
	READ_PATHS,
} from "../src/corrupt-cases.ts";
import { CORRUPTIONS } from "../src/corruptions.ts";
import { isKnownGap } from "../src/known-gaps.ts";
import { failures, runCases } from "../src/run-cases.ts";
import { type Backend, durableBackends } from "../src/stores.ts";
import { tally } from "../src/tally.ts";

const backends = await durableBackends("corrupt");
afterAll(async () => {
	for (const b of backends) await b.cleanup();
});
const counts = tally("corrupt-row fuzz");
counts.set("corruptions", CORRUPTIONS.length);
counts.set("readPaths", Object.keys(READ_PATHS).length);

describe.concurrent.each(backends)(
	"corrupt rows ($kind)",
	(backend: Backend) => {
		it(`${CORRUPTIONS.length} corruptions × ${Object.keys(READ_PATHS).length} read paths: typed errors only`, async () => {
			const { location } = backend.fresh();
			const report = await runCases(
				{
					suite: "corrupt",
					kind: backend.kind,
					location,
					dir: backend.dir,
					to: CORRUPT_CASES,
					caseTimeoutMs: 10_000,
				},
				{ stallMs: 30_000, maxRestarts: 20 },
			);
			const bad = failures(report.results);
			counts.add(`${backend.kind}.cases`, report.results.length);
			counts.add(
				`${backend.kind}.typed`,
				report.results.filter((r) => r.result.startsWith("typed:")).length,
			);
			counts.add(`${backend.kind}.failures`, bad.length);
			counts.add(`${backend.kind}.restarts`, report.restarts);
			const lines = bad.map((r) => `${describeCorruptCase(r.i)}: ${r.result}`);
			counts.add(`${backend.kind}.knownGaps`, lines.filter(isKnownGap).length);
			// anything but a known gap (src/known-gaps.ts) fails
			expect(lines.filter((l) => !isKnownGap(l))).toEqual([]);
			expect(report.results).toHaveLength(CORRUPT_CASES);
		}, 240_000);
	},
);
