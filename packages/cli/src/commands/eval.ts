import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isWeftError } from "@weft/checkpoint";
import type {
	CaseResult,
	Comparison,
	EvalReport,
	EvalStore,
	HeldLease,
} from "@weft/evals";
import type { Command as Program } from "commander";
import { abandonTasks, settleCancelled } from "../cancel.ts";
import { EXIT, UsageError } from "../cli-error.ts";
import type { Act } from "../command-kit.ts";
import type { CommandEnv } from "../env.ts";
import { WEFT } from "../invocation.ts";
import { loadGraph } from "../load-graph.ts";
import { parseDuration } from "../parse-value.ts";
import { label, stderrLine } from "../render/output.ts";
import { table } from "../render/table.ts";
import {
	postgresTarget,
	type StoreOptions,
	type StoreUse,
	shellWord,
} from "../store.ts";
import { renderRunList, withRunnerGone } from "./eval-list.ts";
import { hooksOf, scorerFromSpec } from "./eval-scorers.ts";

/**
 * The evaluation store beside the threads: the same SQLite file or Postgres database, own tables. On
 * Postgres they live in the threads' schema when `?schema=` names one (each schema its own runs and
 * feedback), else in `public`, where they always were (decision 0238).
 */
export async function evalStoreBeside(
	options: StoreOptions,
): Promise<EvalStore> {
	if (options.postgres !== undefined) {
		const { PostgresEvalStore } = await import("@weft/evals/postgres");
		return PostgresEvalStore.connect(postgresTarget(options.postgres));
	}
	const { SqliteEvalStore } = await import("@weft/evals/sqlite");
	return new SqliteEvalStore({ path: options.db ?? "weft.db" });
}

/**
 * The evaluation store for a command. The threads' store is opened first, for the same use: a missing,
 * empty or foreign file (or a Postgres database without Weft's tables) is refused there as by every
 * command, before anything is written. A reading command reads a SQLite file read-only and makes no
 * tables in it (none yet: nothing stored).
 */
export async function openEvalStore(
	env: CommandEnv,
	options: StoreOptions,
	access: StoreUse["access"],
): Promise<EvalStore> {
	await env.store(access);
	const path = options.db ?? "weft.db";
	if (
		access !== "read" ||
		options.postgres !== undefined ||
		path === ":memory:"
	)
		return evalStoreBeside(options);
	const [{ SqliteEvalStore }, { openReadOnlyDatabase }] = await Promise.all([
		import("@weft/evals/sqlite"),
		import("@weft/checkpoint-sqlite"),
	]);
	const db = openReadOnlyDatabase(path);
	// the store shares the connection (so leaves it open): closing the store closes it here
	return Object.assign(new SqliteEvalStore({ database: db }), {
		close: async () => db.close(),
	});
}

async function withStore<T>(
	env: CommandEnv,
	options: StoreOptions,
	access: StoreUse["access"],
	fn: (s: EvalStore) => Promise<T>,
): Promise<T> {
	const store = await openEvalStore(env, options, access);
	try {
		return await fn(store);
	} finally {
		await store.close?.();
	}
}

interface EvalOptions {
	dataset?: string;
	scorer?: string[];
	concurrency?: string;
	run?: string;
	name?: string;
	caseTimeout?: string;
}

/** What a resumed case does about a lease the crashed run left on its thread (said on stderr). */
function heldText(h: HeldLease): string {
	const pid = h.owner.split(":")[1];
	if (h.exited)
		return `case ${h.caseId}: the process that ran it (pid ${pid} on this machine) has exited: its lease on thread ${h.threadId} is taken over without waiting`;
	const until = Math.min(Date.parse(h.expiresAt), Date.now() + h.waitMs);
	return `case ${h.caseId}: waiting for its thread ${h.threadId}: ${h.owner} (a live process, or another machine's) holds its lease until ${h.expiresAt}; waiting until ${new Date(until).toISOString()} at most`;
}

/** `--case-timeout`: milliseconds, or undefined without it. */
function caseTimeoutOf(o: EvalOptions): number | undefined {
	if (o.caseTimeout === undefined) return undefined;
	const ms = parseDuration("--case-timeout", o.caseTimeout);
	if (ms === 0)
		throw new UsageError(
			`--case-timeout ${o.caseTimeout}: every case would run out of time at once`,
			"give each case its time, like 30s or 2m, or leave the flag out for no limit",
		);
	return ms;
}

/**
 * The timed-out cases' threads: their runs were cancelled, and a node deaf to its signal keeps their
 * lease and this process alive. Their leases are given up (cancel.ts) and the process left at exit.
 */
async function settleTimedOut(
	env: CommandEnv,
	report: EvalReport,
): Promise<void> {
	const timedOut = report.cases.filter(
		(c) => c.status === "error" && c.error?.code === "RUN_CANCELLED",
	);
	if (timedOut.length === 0) return;
	const checkpointer = await env.store();
	await Promise.all(
		timedOut.map((c) => settleCancelled(checkpointer, c.threadId)),
	);
	abandonTasks();
}

const mark = (pass: boolean | undefined, score: number | undefined) =>
	score === undefined ? "-" : `${pass ? "✓" : "✗"} ${Number(score.toFixed(2))}`;

/** A score's cell: a scorer that failed (threw, returned no score) is no honest 0. */
const scoreCell = (s: CaseResult["scores"][string] | undefined) =>
	s?.error !== undefined ? "✗ error" : mark(s?.pass, s?.score);

const errorText = (e: { code?: string | undefined; message: string }) =>
	e.code === undefined ? e.message : `${e.code} ${e.message}`;

/** Why each case that errored did, and each scorer that failed: in the table they are one word. */
function errorLines(r: EvalReport): string[] {
	return r.cases.flatMap((c) => [
		...(c.error === undefined ? [] : [`${c.caseId}: ${errorText(c.error)}`]),
		...Object.entries(c.scores).flatMap(([name, s]) =>
			s.error === undefined
				? []
				: [`${c.caseId} · ${name}: ${errorText(s.error)}`],
		),
	]);
}

function renderReport(r: EvalReport, storeFlags: string): string {
	const scorers = Object.keys(r.summary.byScorer);
	const rows = r.cases.map((c: CaseResult) => [
		c.caseId,
		label.status(c.status),
		...scorers.map((s) => scoreCell(c.scores[s])),
		c.threadId,
	]);
	const s = r.summary;
	const cost = s.costUsd > 0 ? ` · $${s.costUsd.toFixed(4)}` : "";
	return [
		table(["case", "status", ...scorers, "thread"], rows),
		...errorLines(r),
		`${label.bold(`run ${r.runId}`)}: ${s.passed}/${s.cases} passed (${Math.round(s.passRate * 100)}%)` +
			`${r.resumed > 0 ? ` · ${r.resumed} kept from an earlier attempt` : ""} · ${s.totalTokens} tokens${cost}`,
		`compare with another run: ${WEFT}${storeFlags} eval compare ${shellWord(r.runId)} <other run>`,
	].join("\n");
}

/** `weft eval <module> --dataset cases.jsonl`: runs, scores, stores and prints every case. */
async function runEval(
	module: string,
	o: EvalOptions,
	env: CommandEnv,
	store: StoreOptions,
): Promise<number> {
	if (o.dataset === undefined)
		throw new UsageError(
			"weft eval needs --dataset <cases.jsonl>",
			'one JSON case a line: {"id", "input", "expected"?, "answers"?}',
		);
	const concurrency = o.concurrency === undefined ? 4 : Number(o.concurrency);
	if (!Number.isInteger(concurrency) || concurrency < 1)
		throw new UsageError(
			`--concurrency ${o.concurrency}: not a positive whole number`,
		);
	const caseTimeoutMs = caseTimeoutOf(o);
	// loaded on use: other commands start without it (decision 0004)
	const evals = await import("@weft/evals");
	const dataset = await evals.loadDataset(o.dataset);
	// the module as `weft run` records it (from the database's folder): `show`, `history` find it there
	const { graph, ref } = await loadGraph(
		resolve(module),
		await env.store("create"),
		env.base,
	);
	const [file] = ref.split("#") as [string];
	const mod = (await import(
		pathToFileURL(isAbsolute(file) ? file : resolve(env.base, file)).href
	)) as Record<string, unknown>;
	const hooks = hooksOf(mod);
	const scorers = [
		...(o.scorer ?? []).map((spec) => scorerFromSpec(evals, spec)),
		...hooks.scorers,
	];
	// named here, so that a cancelled run can be told how to resume
	// node:crypto loaded on use, as @weft/evals is: `weft --version` starts without either
	const runId =
		o.run ?? `eval-${(await import("node:crypto")).randomUUID().slice(0, 8)}`;
	const report = await withStore(env, store, "create", (s) =>
		evals.evaluate(
			graph,
			dataset,
			scorers.length === 0 ? [evals.exact()] : scorers,
			{
				store: s,
				concurrency,
				runId,
				name: o.name,
				graphRef: ref,
				metadata: { graph: ref },
				dataset: o.dataset,
				signal: env.signal,
				caseTimeoutMs,
				onLeaseHeld: (held) => stderrLine(heldText(held)),
				input: hooks.input,
				output: hooks.output,
				onCase: (c) => env.out.line(`${c.pass ? "✓" : "✗"} ${c.caseId}`),
			},
		),
	).catch((error: unknown) => {
		if (!env.signal.aborted || !isWeftError(error, "RUN_CANCELLED"))
			throw error;
		return undefined;
	});
	if (report === undefined) {
		// the run's scorers too: with others, resuming is refused (decision 0158)
		const scorerFlags = (o.scorer ?? [])
			.map((spec) => ` --scorer ${shellWord(spec)}`)
			.join("");
		env.out.result(
			{ runId, status: "cancelled" },
			() =>
				`${label.status("cancelled")} evaluation run ${runId}: its finished cases are kept; resume it with \`${WEFT}${env.storeFlags} eval ${shellWord(module)} --dataset ${shellWord(o.dataset!)} --run ${shellWord(runId)}${scorerFlags}\``,
		);
		return EXIT.cancelled;
	}
	env.out.result(report, () => renderReport(report, env.storeFlags));
	await settleTimedOut(env, report);
	return report.summary.failed === 0 ? 0 : 1;
}

function renderComparison(c: Comparison): string {
	const rows = c.rows.map((r) => [
		r.caseId,
		r.scorer,
		mark(r.passA, r.a),
		mark(r.passB, r.b),
		r.change === "worse" ? label.bold(r.change) : r.change,
		r.threadA ?? "-",
		r.threadB ?? "-",
	]);
	const n = c.counts;
	return [
		table(
			[
				"case",
				"scorer",
				c.a,
				c.b,
				"change",
				`thread (${c.a})`,
				`thread (${c.b})`,
			],
			rows,
		),
		...(c.incomplete ?? []).map(
			(r) =>
				`run ${r.run} has not finished (${r.status}): a case it has not run shows as ${r.run === c.a ? "added" : "removed"}; resume it (weft eval … --run ${r.run}) to compare them all`,
		),
		`${n.better} better · ${n.worse} worse · ${n.same} same${n.added + n.removed > 0 ? ` · ${n.added} added · ${n.removed} removed` : ""}` +
			` · pass rate ${Math.round(c.passRate.a * 100)}% → ${Math.round(c.passRate.b * 100)}%`,
		"open a case: weft show <thread> · weft history <thread>",
	].join("\n");
}

/** Registers `weft eval <module>`, `weft eval compare <a> <b>` and `weft eval list`. */
export function registerEval(program: Program, act: Act): void {
	const store = () => program.opts<StoreOptions>();
	program
		.command("eval <module|compare|list> [runs...]")
		.addHelpText(
			"after",
			"\nExamples:\n  $ weft eval ./src/graph.ts#graph --dataset cases.jsonl --scorer exact --run v2\n  $ weft eval compare v1 v2\n  $ weft eval list\n",
		)
		.description(
			"evaluate a graph on a dataset (each case in its own thread, resumable); `eval compare <a> <b>`: a regression table; `eval list`: stored runs",
		)
		.option("--dataset <file>", "cases, one JSON object a line")
		.option(
			"--scorer <spec...>",
			"exact, contains[:text], regex:<re>, json-schema:@file, tool:<name>[:<args>], cost:<usd>, latency:<ms>",
		)
		.option("--concurrency <n>", "cases run at once (default 4)")
		.option("--run <id>", "the run id; an id already stored resumes that run")
		.option("--name <name>", "a name for the run")
		.option(
			"--case-timeout <duration>",
			"cancel a case that takes longer (e.g. 30s, 2m): it is recorded as an error and the next case goes on",
		)
		.action(
			act(async (env, target: string, runs: string[], o: EvalOptions) => {
				if (target === "list") {
					const list = withRunnerGone(
						await withStore(env, store(), "read", (s) => s.listRuns()),
					);
					env.out.result(list, () => renderRunList(list, env.storeFlags));
					return 0;
				}
				if (target === "compare") {
					const [a, b] = runs;
					if (a === undefined || b === undefined || runs.length > 2)
						throw new UsageError(
							"weft eval compare needs two run ids",
							"weft eval list shows them",
						);
					const { compareRuns } = await import("@weft/evals");
					const cmp = await withStore(env, store(), "read", (s) =>
						compareRuns(s, a, b),
					);
					env.out.result(cmp, () => renderComparison(cmp));
					return cmp.counts.worse === 0 ? 0 : 1;
				}
				if (runs.length > 0)
					throw new UsageError(`unexpected arguments: ${runs.join(" ")}`);
				return runEval(target, o, env, store());
			}),
		);
}
