// The headline figures of WORKLOADS.md and L1, with their targets: issue 17's (performance round 2) where it
// names one, round 1's (issue 7, issue 5's L1) kept for the figures issue 17 does not name, issue 13's T1.
import type { WorkloadId } from "./workloads.ts";

export interface Headline {
	id: string;
	figure: string;
	unit: string;
	workload: WorkloadId;
	/** Dotted paths in the Weft and the LangGraph.js result (W6 has both in one line). */
	path: { weft: string; langgraph: string };
	/**
	 * Met when Weft / LangGraph ≤ ratio (medians; with `everyRun`, Weft's slowest run over LangGraph.js's
	 * fastest) and, with `weftMax`, when Weft's own median ≤ weftMax. `issue` is the issue that sets it.
	 */
	target?: {
		ratio?: number;
		weftMax?: number;
		everyRun?: boolean;
		issue: TargetIssue;
	};
	/**
	 * The row measuring what stops this figure from going lower on this machine (the schema's floor; for a
	 * ratio target, a row whose ratio is the floor's against LangGraph.js's figure).
	 */
	floor?: string;
	/**
	 * The row timing the same work in the same process after many more untimed runs: once V8's optimizing
	 * compiler is done with it (both engines). What lies between the two is the compiler's warm-up.
	 */
	compiled?: string;
}

/** 17: performance round 2; 7 and 5: round 1 (W1–W6, L1), kept where round 2 names no target; 13: T1. */
export type TargetIssue = 5 | 7 | 13 | 17;

const same = (p: string) => ({ weft: p, langgraph: p });
const both = (p: string) => ({
	weft: `weft.${p}`,
	langgraph: `langgraph.${p}`,
});

export const HEADLINES: Headline[] = [
	{
		id: "W1a",
		figure: "per node-step, no store",
		unit: "µs",
		workload: "w1",
		path: same("us_per_step_no_store"),
		target: { weftMax: 3, issue: 17 },
		compiled: "W1a-c",
	},
	{
		id: "W1a-c",
		figure:
			"per node-step, no store, compiled (timed again after 400 more runs)",
		unit: "µs",
		workload: "w1",
		path: same("us_per_step_no_store_compiled"),
	},
	{
		id: "W1b",
		figure: "per node-step, in-memory store",
		unit: "µs",
		workload: "w1",
		path: same("us_per_step_memory"),
		target: { ratio: 1 / 50, issue: 17 },
	},
	{
		id: "W1d",
		figure: "durable per node-step, SQLite file",
		unit: "µs",
		workload: "w1",
		path: same("sqlite.us_per_step"),
	},
	{
		id: "W1d-f",
		figure: "one WAL commit, synchronous=NORMAL (the limit)",
		unit: "µs",
		workload: "w1",
		path: same("sqlite.wal_commit_us"),
	},
	{
		id: "W1d-x",
		figure: "durable step ÷ one WAL commit",
		unit: "×",
		workload: "w1",
		path: same("sqlite.over_wal_commit"),
		target: { weftMax: 2, issue: 17 },
		floor: "W1d-s",
	},
	{
		id: "W1d-f2",
		figure:
			"one WAL commit on 2048-byte pages (the page size of Weft's new files; decision 0188)",
		unit: "µs",
		workload: "w1",
		path: { weft: "sqlite.wal_commit_weft_pages_us", langgraph: "-" },
	},
	{
		id: "W1d-x2",
		figure: "durable step ÷ one WAL commit on 2048-byte pages",
		unit: "×",
		workload: "w1",
		path: { weft: "sqlite.over_wal_commit_weft_pages", langgraph: "-" },
	},
	{
		id: "W1d-s",
		figure:
			"the put's own SQL replayed bare ÷ one WAL commit (the schema's floor)",
		unit: "×",
		workload: "w1",
		path: same("sqlite.bare_put_over_wal_commit"),
	},
	{
		id: "W1p",
		figure: "durable per node-step, Postgres",
		unit: "µs",
		workload: "w1",
		path: same("postgres.us_per_step"),
	},
	{
		id: "W1p-f",
		figure: "one round-trip commit, one pg connection (the limit)",
		unit: "µs",
		workload: "w1",
		path: same("postgres.round_trip_commit_us"),
	},
	{
		id: "W1p-x",
		figure: "durable step ÷ one round-trip commit",
		unit: "×",
		workload: "w1",
		path: same("postgres.over_round_trip_commit"),
		target: { weftMax: 1.5, issue: 17 },
		floor: "W1p-s",
	},
	{
		id: "W1p-s",
		figure:
			"put_checkpoint called bare (fenced, exclusive) ÷ one round-trip commit (the schema's floor)",
		unit: "×",
		workload: "w1",
		path: same("postgres.bare_put_over_round_trip_commit"),
	},
	{
		id: "W1c",
		figure: "checkpoint bytes per 100-step run",
		unit: "B",
		workload: "w1",
		path: same("checkpoint_bytes_per_run"),
	},
	{
		id: "W2a",
		figure: "fan-out 1000 Sends, no store",
		unit: "ms",
		workload: "w2",
		path: same("no_store.median_ms"),
		target: { ratio: 1 / 20, issue: 7 },
	},
	{
		id: "W2b",
		figure: "fan-out 1000 Sends, in-memory store",
		unit: "ms",
		workload: "w2",
		path: same("memory.median_ms"),
	},
	{
		id: "W3a-t",
		figure: "300 loops, in-memory: total",
		unit: "ms",
		workload: "w3",
		path: same("memory.total_ms"),
		target: { ratio: 1 / 10, issue: 7 },
	},
	{
		id: "W3a-h",
		figure: "300 loops: peak heapUsed",
		unit: "MB",
		workload: "w3",
		path: same("memory.peak_heap_used_mb"),
	},
	{
		id: "W3a-a",
		figure: "300 loops: peak arrayBuffers",
		unit: "MB",
		workload: "w3",
		path: same("memory.peak_array_buffers_mb"),
	},
	{
		id: "W3a-r",
		figure: "300 loops: peak RSS",
		unit: "MB",
		workload: "w3",
		path: same("memory.peak_rss_mb"),
	},
	{
		id: "W3a-b",
		figure: "serialized bytes stored",
		unit: "B",
		workload: "w3",
		path: same("memory.stored_bytes"),
		target: { ratio: 1 / 30, issue: 7 },
	},
	{
		id: "W3a-k",
		figure: "storage growth exponent (log-log)",
		unit: "–",
		workload: "w3",
		path: same("memory.growth.loglog_exponent"),
		target: { weftMax: 1.1, issue: 7 },
	},
	{
		id: "W3b-t",
		figure: "300 loops, SQLite file: total",
		unit: "ms",
		workload: "w3",
		path: same("sqlite.total_ms"),
		target: { ratio: 1 / 10, issue: 7 },
	},
	{
		id: "W3b-f",
		figure: "SQLite file size at end",
		unit: "B",
		workload: "w3",
		path: same("sqlite.db_file_bytes"),
	},
	{
		id: "W4-n",
		figure: "checkpoints in the history",
		unit: "",
		workload: "w4",
		path: same("history_checkpoints"),
	},
	{
		id: "W4-h",
		figure: "full history listing",
		unit: "ms",
		workload: "w4",
		path: same("history_ms"),
		target: { ratio: 1 / 20, issue: 7 },
	},
	{
		id: "W4-g",
		figure: "read state at #100",
		unit: "ms",
		workload: "w4",
		path: same("get_state_old_ms"),
		target: { ratio: 1 / 20, issue: 17 },
		floor: "W4-gf",
	},
	{
		id: "W4-gf",
		figure:
			"the same state decoded from one blob (the read's floor), against LangGraph.js's read",
		unit: "ms",
		workload: "w4",
		path: { weft: "get_state_floor_ms", langgraph: "get_state_old_ms" },
	},
	{
		id: "W4-u",
		figure: "fork: update at #100",
		unit: "ms",
		workload: "w4",
		path: same("fork_update_ms"),
		target: { ratio: 1 / 5, issue: 7 },
	},
	{
		id: "W4-r",
		figure: "fork: resume 10 loops",
		unit: "ms",
		workload: "w4",
		path: same("fork_resume_ms"),
		target: { ratio: 1 / 10, everyRun: true, issue: 17 },
	},
	{
		id: "W5",
		figure: "interrupt + resume cycle",
		unit: "ms",
		workload: "w5",
		path: same("ms_per_cycle"),
		target: { ratio: 1 / 30, issue: 17 },
		compiled: "W5-c",
	},
	{
		id: "W5-c",
		figure: "interrupt + resume cycle, compiled (timed again after 600 more)",
		unit: "ms",
		workload: "w5",
		path: same("compiled.ms_per_cycle"),
	},
	{
		id: "W5-s",
		figure: "interrupt + resume cycle, SQLite file",
		unit: "ms",
		workload: "w5",
		path: same("sqlite.ms_per_cycle"),
	},
	{
		id: "W5-p",
		figure: "resume in a new process (open + resume, after imports)",
		unit: "ms",
		workload: "w5",
		path: same("new_process.resume_ms"),
	},
	{
		id: "W5-P",
		figure: "resume in a new process, spawn to exit",
		unit: "ms",
		workload: "w5",
		path: same("new_process.process_ms"),
	},
	{
		id: "W6-c",
		figure: "cold start import − empty node",
		unit: "ms",
		workload: "w6",
		path: both("import_minus_empty_ms"),
		target: { ratio: 1 / 10, issue: 17 },
	},
	{
		id: "W6-s",
		figure: "install size, without LangChain",
		unit: "KiB",
		workload: "w6",
		path: both("install_kib"),
		target: { ratio: 1 / 3, issue: 7 },
	},
	{
		id: "L1",
		figure: "LLM layer per model call (ReAct agent, in-memory store)",
		unit: "µs",
		workload: "l1",
		path: same("overhead_us_per_model_call"),
		target: { ratio: 1 / 10, issue: 17 },
		compiled: "L1-c",
	},
	{
		id: "L1-c",
		figure:
			"LLM layer per model call, compiled (timed again after 300 more runs)",
		unit: "µs",
		workload: "l1",
		path: same("compiled.overhead_us_per_model_call"),
	},
	{
		// Weft only (no LangGraph.js counterpart): the figure is a share of L1, the target its maximum
		id: "T1",
		figure:
			"telemetry on, CPU per model call / L1's CPU per model call (issue 13)",
		unit: "share",
		workload: "t1",
		path: { weft: "telemetry_cpu_share_of_l1", langgraph: "-" },
		target: { weftMax: 0.05, issue: 13 },
	},
];
