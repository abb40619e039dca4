// One run of one workload in this (fresh) process: prints one JSON line. A failed check exits non-zero.
//   node --expose-gc --import tsx bench/src/run-workload.ts <weft|langgraph> <w1…w5> [standard|quick|smoke] [json overrides]
import { pretouchProcess } from "./pretouch.ts";
import { SIZES, type Size } from "./sizes.ts";
import { versions, weftFrom } from "./versions.ts";
import { type Engine, load, type WorkloadId } from "./workloads.ts";

const [engine, id, size = "standard", overrides = "{}"] = process.argv.slice(
	2,
) as [Engine, WorkloadId, Size?, string?];
const params = { ...SIZES[size][id], ...(JSON.parse(overrides) as object) };
// W6 measures fresh processes itself; every other workload runs in a process prepared by pretouch.ts
const pretouch = engine !== "both" && process.env.BENCH_PRETOUCH !== "0";
if (pretouch) pretouchProcess();
const run = await load(engine, id);
const results = await run(params as never);
process.stdout.write(
	`${JSON.stringify({
		workload: id,
		engine,
		ts: new Date().toISOString(),
		...(engine === "weft" ? { weft_from: weftFrom() } : {}),
		versions: versions(),
		params,
		...(pretouch ? {} : { pretouch: false }),
		results,
	})}\n`,
);
