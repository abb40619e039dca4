// `weft eval list`: the stored evaluation runs, a run whose process has exited told apart from one that runs.
import type { EvalRunRecord } from "@weft/evals";
import { exitedRunner } from "@weft/graph";
import { WEFT } from "../invocation.ts";
import { label } from "../render/output.ts";
import { table } from "../render/table.ts";
import { shellWord } from "../store.ts";

/** A listed run; `runnerGone` when it reads `running` but its process, of this machine, has exited. */
export type ListedRun = EvalRunRecord & { runnerGone?: { pid: number } };

/**
 * Each run, with `runnerGone` where the store says `running` and its process is one of this machine that
 * no longer runs (killed mid-run: nothing marks such a run). The status stays the store's.
 */
export function withRunnerGone(list: readonly EvalRunRecord[]): ListedRun[] {
	return list.map((r) => {
		const pid =
			r.status === "running" && r.runner !== undefined
				? exitedRunner(r.runner)
				: undefined;
		return pid === undefined ? r : { ...r, runnerGone: { pid } };
	});
}

/** What resumes a run whose process is gone: the same command with its run id (and its scorers). */
function goneNote(r: ListedRun, storeFlags: string): string {
	const module = r.graph?.split("#")[0];
	const command = `${WEFT}${storeFlags} eval ${module === undefined ? "<module>" : shellWord(module)} --dataset ${r.dataset === undefined ? "<cases.jsonl>" : shellWord(r.dataset)} --run ${shellWord(r.id)}`;
	return `run ${r.id}: its process (pid ${r.runnerGone?.pid} on this machine) has exited mid-run; its finished cases are kept, and \`${command}\` with its scorers (${r.scorers.join(", ")}) resumes it`;
}

/** The runs as a table, a note under it for each whose process is gone. */
export function renderRunList(
	list: readonly ListedRun[],
	storeFlags: string,
): string {
	if (list.length === 0)
		return `no evaluation runs yet: ${WEFT}${storeFlags} eval <module> --dataset cases.jsonl`;
	return [
		table(
			["run", "name", "status", "passed", "started"],
			list.map((r) => [
				r.id,
				r.name,
				r.runnerGone === undefined
					? label.status(r.status)
					: `${label.status(r.status)} ${label.dim("(runner gone)")}`,
				r.summary === undefined
					? "-"
					: `${r.summary.passed}/${r.summary.cases}`,
				r.startedAt,
			]),
		),
		...list.flatMap((r) =>
			r.runnerGone === undefined ? [] : [goneNote(r, storeFlags)],
		),
	].join("\n");
}
