// Every Weft workload at tiny sizes, checking its results (no timings, no peer). The workloads throw when a
// check fails, so a passing test means the harness and the runtime still agree on what each workload does.
import { describe, expect, it } from "vitest";
import {
	PAGE_SIZE,
	WAL_AUTOCHECKPOINT_PAGES,
} from "../../packages/checkpoint-sqlite/src/open-database.ts";
import { SQL } from "../../packages/checkpoint-sqlite/src/statements.ts";
import { SQLITE_PUT, SQLITE_WAL_AUTOCHECKPOINT } from "../src/put-floor.ts";
import { SIZES } from "../src/sizes.ts";
import { WEFT_PAGE_SIZE } from "../src/wal-commit.ts";
import { l1 } from "../src/weft/l1.ts";
import { t1 } from "../src/weft/t1.ts";
import { w1 } from "../src/weft/w1.ts";
import { w2 } from "../src/weft/w2.ts";
import { w3 } from "../src/weft/w3.ts";
import { w4 } from "../src/weft/w4.ts";
import { w5 } from "../src/weft/w5.ts";

const tiny = SIZES.smoke;

describe("bench workloads on Weft (smoke sizes)", () => {
	it("W1: a chain of nodes counts to its length, with and without a store, on SQLite and Postgres", async () => {
		const r = await w1(tiny.w1);
		expect(r.checkpoints_per_run).toBeGreaterThan(0);
		expect(r.checkpoint_bytes_per_run).toBeGreaterThan(0);
		// W1p: on Postgres when one is reachable (a fresh database, dropped after), else skipped with the reason
		const pg = r.postgres;
		if (pg !== undefined && "skipped" in pg)
			expect(pg.skipped).toMatch(/no Postgres/);
		else {
			expect(pg?.us_per_step).toBeGreaterThan(0);
			expect(pg?.bare_put_us).toBeGreaterThan(0);
		}
		expect(r.sqlite?.bare_put_us).toBeGreaterThan(0);
		expect(r.sqlite?.wal_commit_weft_pages_us).toBeGreaterThan(0);
		// W1a-c: the chain without a store timed again after more runs (compiled)
		expect(r.us_per_step_no_store_compiled).toBeGreaterThan(0);
	});

	it("W1d-s replays the SQLite put's own statements", () => {
		expect(SQLITE_PUT).toEqual({
			bumpSeq: SQL.bumpSeq,
			touch: SQL.touch,
			parentState: SQL.parentState,
			insert: SQL.insert,
		});
		expect(SQLITE_WAL_AUTOCHECKPOINT).toBe(WAL_AUTOCHECKPOINT_PAGES);
		expect(WEFT_PAGE_SIZE).toBe(PAGE_SIZE);
	});

	it("W2: fan-out to n Sends and fan-in once", async () => {
		const r = await w2(tiny.w2);
		expect(r.memory?.checkpoints_per_run).toBeGreaterThan(0);
	});

	it("W3: the agent loop ends with 2·loops + 1 messages, in memory and on SQLite", async () => {
		const r = await w3(tiny.w3);
		expect(r.memory.growth.checkpoints).toBeGreaterThan(2 * tiny.w3.loops);
		expect(r.sqlite?.db_file_bytes).toBeGreaterThan(0);
	});

	it("W4: history, old state, forks that leave the original branch untouched", async () => {
		const r = await w4(tiny.w4);
		expect(r.history_checkpoints).toBeGreaterThan(2 * tiny.w4.loops);
		// W4-gf: the read's floor, the same state decoded from one blob
		expect(r.get_state_floor_ms).toBeGreaterThan(0);
	});

	it("W5: interrupt then resume ends with the approved result", async () => {
		const r = await w5(tiny.w5);
		expect(r.review_body_runs_per_cycle).toBeGreaterThanOrEqual(1);
		// W5-c: the in-memory cycles timed again after more cycles, on threads of their own
		expect(r.compiled?.ms_per_cycle).toBeGreaterThan(0);
		expect(r.compiled?.review_body_runs_per_cycle).toBe(
			r.review_body_runs_per_cycle,
		);
	});

	it("L1: a ReAct agent makes one model call per turn and ends with the final answer", async () => {
		const r = await l1(tiny.l1);
		expect(r.model_calls_per_run).toBe(tiny.l1.turns + 1);
		// L1-c: agent and direct loop timed again after more runs
		expect(r.compiled?.agent_ms_per_run).toBeGreaterThan(0);
		expect(r.compiled?.direct_ms_per_run).toBeGreaterThan(0);
	});

	it("T1: the agent with and without an OpenTelemetry provider gives the same answers", async () => {
		const r = await t1(tiny.t1);
		expect(r.model_calls_per_run).toBe(tiny.t1.turns + 1);
		expect(r.on_ms_per_run).toBeGreaterThan(0);
		expect(r.rounds).toBe(tiny.t1.runs * tiny.t1.rounds);
	});
});
