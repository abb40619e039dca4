import { WeftError } from "@weft/checkpoint";
import type { CaseResult, EvalStore } from "./store/eval-store.ts";

/** How a case's score moved from run a to run b. */
export type Change = "better" | "worse" | "same" | "added" | "removed";

/** One case × scorer of a comparison, with the threads to open and diff. */
export interface CompareRow {
	caseId: string;
	scorer: string;
	a: number | undefined;
	b: number | undefined;
	passA: boolean | undefined;
	passB: boolean | undefined;
	change: Change;
	threadA: string | undefined;
	threadB: string | undefined;
}

/** Two runs side by side. */
export interface Comparison {
	a: string;
	b: string;
	rows: CompareRow[];
	counts: Record<Change, number>;
	/** Over each run's finished cases. */
	passRate: { a: number; b: number };
	/**
	 * The runs compared that have not finished (`compareRuns`: a run killed, cancelled or still going),
	 * with their status: a case such a run has not run shows as added or removed.
	 */
	incomplete?: { run: string; status: string }[] | undefined;
}

const EPSILON = 1e-9;

function change(a: number | undefined, b: number | undefined): Change {
	if (a === undefined) return "added";
	if (b === undefined) return "removed";
	if (b > a + EPSILON) return "better";
	if (b < a - EPSILON) return "worse";
	return "same";
}

/**
 * The scorer name of a row for the case as a whole: added when the case's pass changed and no row of its
 * scorers moved that way (it ended interrupted or failed while its scores held, or it has no scores).
 */
export const CASE_ROW = "(case)";

const passScore = (c: CaseResult | undefined) =>
	c === undefined ? undefined : c.pass ? 1 : 0;

const rate = (cases: readonly CaseResult[]) =>
	cases.length === 0 ? 0 : cases.filter((c) => c.pass).length / cases.length;

/**
 * Compares case results per case and per scorer (a row for every pair either run has), and the case as a
 * whole where its pass changed with no scorer's row showing it (`CASE_ROW`).
 */
export function compareResults(
	a: { id: string; cases: readonly CaseResult[] },
	b: { id: string; cases: readonly CaseResult[] },
): Comparison {
	// a case under way (its run killed or still going) has no outcome yet: it did not stop passing
	const finished = (cases: readonly CaseResult[]) =>
		cases.filter((c) => c.status !== "running");
	const [doneA, doneB] = [finished(a.cases), finished(b.cases)];
	const byA = new Map(doneA.map((c) => [c.caseId, c]));
	const byB = new Map(doneB.map((c) => [c.caseId, c]));
	const ids = [...new Set([...byA.keys(), ...byB.keys()])];
	const rows: CompareRow[] = [];
	for (const id of ids) {
		const ca = byA.get(id);
		const cb = byB.get(id);
		const scorers = [
			...new Set([
				...Object.keys(ca?.scores ?? {}),
				...Object.keys(cb?.scores ?? {}),
			]),
		];
		const first = rows.length;
		for (const scorer of scorers) {
			const sa = ca?.scores[scorer];
			const sb = cb?.scores[scorer];
			rows.push({
				caseId: id,
				scorer,
				a: sa?.score,
				b: sb?.score,
				passA: sa?.pass,
				passB: sb?.pass,
				change: change(sa?.score, sb?.score),
				threadA: ca?.threadId,
				threadB: cb?.threadId,
			});
		}
		const moved = change(passScore(ca), passScore(cb));
		const shown = rows.slice(first).some((r) => r.change === moved);
		if (scorers.length === 0 || (moved !== "same" && !shown))
			rows.push({
				caseId: id,
				scorer: CASE_ROW,
				a: passScore(ca),
				b: passScore(cb),
				passA: ca?.pass,
				passB: cb?.pass,
				change: moved,
				threadA: ca?.threadId,
				threadB: cb?.threadId,
			});
	}
	const counts: Record<Change, number> = {
		better: 0,
		worse: 0,
		same: 0,
		added: 0,
		removed: 0,
	};
	for (const r of rows) counts[r.change] += 1;
	return {
		a: a.id,
		b: b.id,
		rows,
		counts,
		passRate: { a: rate(doneA), b: rate(doneB) },
	};
}

/** Compares two stored runs; an unknown id throws EVAL_NOT_FOUND naming it. */
export async function compareRuns(
	store: EvalStore,
	a: string,
	b: string,
): Promise<Comparison> {
	const incomplete: { run: string; status: string }[] = [];
	for (const id of [a, b]) {
		const run = await store.getRun(id);
		if (run !== undefined && run.status !== "done")
			incomplete.push({ run: id, status: run.status });
		if (run === undefined) {
			const known =
				(await store.listRuns(5)).map((r) => r.id).join(", ") || "none";
			throw new WeftError(
				"EVAL_NOT_FOUND",
				`no evaluation run "${id}" in the store`,
				{
					hint: `recent runs: ${known} (weft eval list)`,
				},
			);
		}
	}
	return {
		...compareResults(
			{ id: a, cases: await store.listCases(a) },
			{ id: b, cases: await store.listCases(b) },
		),
		incomplete,
	};
}
