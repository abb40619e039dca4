import { addCost, type PendingWrite } from "@weft/checkpoint";
import type { UsageReport } from "../graph/types.ts";

/** Token and cost totals. */
export interface UsageTotals {
	inputTokens: number;
	outputTokens: number;
	totalTokens: number;
	cachedTokens: number;
	/** The cost of the priced calls; absent when no call had a price. */
	costUsd?: number;
	calls: number;
	/**
	 * Calls (of `calls`) with no known cost (no price for their model), which `costUsd` leaves out: a
	 * `costUsd` beside it is a lower bound. Absent when every call was priced.
	 */
	unpricedCalls?: number;
}

/** A run's usage: totals, by model and by node. */
export interface RunUsage extends UsageTotals {
	byModel: Record<string, UsageTotals>;
	byNode: Record<string, UsageTotals>;
}

/** A usage with nothing counted: where a roll-up (`sumUsage`) starts. */
export function emptyUsage(): RunUsage {
	return {
		inputTokens: 0,
		outputTokens: 0,
		totalTokens: 0,
		cachedTokens: 0,
		calls: 0,
		byModel: {},
		byNode: {},
	};
}

const blank = (): UsageTotals => ({
	inputTokens: 0,
	outputTokens: 0,
	totalTokens: 0,
	cachedTokens: 0,
	calls: 0,
});

/** The arithmetic of every roll-up: adds `c`'s figures to `t`. */
function addTotals(t: UsageTotals, c: UsageTotals): UsageTotals {
	t.inputTokens += c.inputTokens;
	t.outputTokens += c.outputTokens;
	t.totalTokens += c.totalTokens;
	t.cachedTokens += c.cachedTokens;
	t.calls += c.calls;
	if (c.costUsd !== undefined) t.costUsd = addCost(t.costUsd ?? 0, c.costUsd);
	// steps stored before the field have none
	if (c.unpricedCalls !== undefined && c.unpricedCalls > 0)
		t.unpricedCalls = (t.unpricedCalls ?? 0) + c.unpricedCalls;
	return t;
}

/**
 * Adds `part` to `total`, in place, keeping its node and model names (steps of one thread into the
 * thread's total, threads into a report's); returns `total`.
 */
export function sumUsage(total: RunUsage, part: RunUsage): RunUsage {
	addTotals(total, part);
	for (const [node, totals] of Object.entries(part.byNode))
		addTotals(totalsOf(total.byNode, node), totals);
	for (const [model, totals] of Object.entries(part.byModel))
		addTotals(totalsOf(total.byModel, model), totals);
	return total;
}

/** Adds one report to the run's usage (and to its model and node): in place, without objects per report. */
export function addUsage(usage: RunUsage, node: string, u: UsageReport): void {
	addReport(usage, u);
	addReport(totalsOf(usage.byNode, node), u);
	if (u.model !== undefined) addReport(totalsOf(usage.byModel, u.model), u);
}

/**
 * The totals kept under a name, made on first use. Names are data: only own keys count, and one named
 * `__proto__` is an own key too (assigned, it would set the object's prototype, and the figures added to
 * it would reach every object of the process).
 */
function totalsOf(
	totals: Record<string, UsageTotals>,
	key: string,
): UsageTotals {
	if (Object.hasOwn(totals, key)) return totals[key]!;
	const t = blank();
	if (key === "__proto__")
		Object.defineProperty(totals, key, {
			value: t,
			enumerable: true,
			writable: true,
			configurable: true,
		});
	else totals[key] = t;
	return t;
}

function addReport(t: UsageTotals, u: UsageReport): void {
	const input = u.inputTokens ?? 0;
	const output = u.outputTokens ?? 0;
	t.inputTokens += input;
	t.outputTokens += output;
	t.totalTokens += input + output;
	t.cachedTokens += u.cachedTokens ?? 0;
	const calls = u.calls ?? 1;
	t.calls += calls;
	if (u.costUsd !== undefined) t.costUsd = addCost(t.costUsd ?? 0, u.costUsd);
	else if (calls > 0) t.unpricedCalls = (t.unpricedCalls ?? 0) + calls;
}

/** Adds a whole run's usage (a subgraph's) to `usage`, under the parent's node. */
export function mergeUsage(
	usage: RunUsage,
	node: string,
	child: RunUsage,
): void {
	if (child.calls === 0) return;
	sumUsage(usage, { ...child, byNode: { [node]: child } });
}

const SPENT = new WeakMap<object, RunUsage>();

/**
 * What a failed run spent: the usage of the run whose `run()` / `invoke()` / `stream()` threw `error`
 * (its last step never committed, so `getUsage` does not have it); undefined for any other error.
 */
export function runUsageOf(error: unknown): RunUsage | undefined {
	return typeof error === "object" && error !== null
		? SPENT.get(error)
		: undefined;
}

/** Keeps a failed run's usage with the error it throws (`runUsageOf`). */
export function keepSpent(error: unknown, usage: RunUsage): void {
	if (typeof error === "object" && error !== null && !SPENT.has(error))
		SPENT.set(error, usage);
}

/**
 * What a failed subgraph run spent, taken off its error: the parent run adds it to its own usage, and
 * keeps its own total (the child's included) with the error when it fails too.
 */
export function takeSpent(error: unknown): RunUsage | undefined {
	const spent = runUsageOf(error);
	if (spent !== undefined) SPENT.delete(error as object);
	return spent;
}

/**
 * A copy of a checkpoint's records (a branch's, an update's) leaves the usage where it was spent (0206):
 * without `usage` records, and its models' answers without what they cost (0217).
 */
export function spentRecords(writes: readonly PendingWrite[]): PendingWrite[] {
	const out: PendingWrite[] = [];
	for (const w of writes) {
		if (w.kind === "usage") continue;
		if (w.kind === "once" && w.usage !== undefined) {
			const { usage: _spent, ...answer } = w;
			out.push(answer);
		} else out.push(w);
	}
	return out;
}

/**
 * What the models' answers saved at a checkpoint cost where no later `usage` record accounts for them: the
 * run that saved them died or was cancelled before it recorded or committed its step (decision 0217). A
 * `usage` record holds what its run spent, the answers it took up included, so it accounts for every answer
 * saved before it. `tasks` names each task's node. Undefined when nothing is owed.
 */
export function unaccountedAnswers(
	writes: readonly PendingWrite[],
	tasks: readonly { id: string; node: string }[],
): RunUsage | undefined {
	let owed: RunUsage | undefined;
	for (const w of writes) {
		if (w.kind === "usage") owed = undefined;
		else if (w.kind === "once" && w.usage !== undefined) {
			owed ??= emptyUsage();
			const node = tasks.find((t) => t.id === w.taskId)?.node ?? w.taskId;
			for (const cost of w.usage) addUsage(owed, node, cost);
		}
	}
	return owed;
}

/** The usage runs recorded at a checkpoint for a step they left unfinished (decision 0206). */
export function usageOfRecords(
	writes: readonly PendingWrite[],
): RunUsage | undefined {
	let total: RunUsage | undefined;
	for (const w of writes)
		if (w.kind === "usage")
			total = sumUsage(total ?? emptyUsage(), w.usage as unknown as RunUsage);
	return total;
}

/** A step's usage with the usage of the runs before it that left the step unfinished (decision 0206). */
export function withParentUsage(
	step: RunUsage | undefined,
	parent: RunUsage | undefined,
): RunUsage | undefined {
	if (parent === undefined) return step;
	const total = sumUsage(emptyUsage(), parent);
	return step === undefined ? total : sumUsage(total, step);
}
