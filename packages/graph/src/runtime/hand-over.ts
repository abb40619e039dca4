import { isPlainEntry, isPlainName } from "@weft/checkpoint";
import { TIMING_KEY } from "../telemetry/step-timing.ts";
import type { NextCheckpoint } from "./run-store.ts";
import type { RunUsage, UsageTotals } from "./usage.ts";

/**
 * Whether a record may be handed over to the store (`PUT_SYNC`), which then keeps it without checking or
 * copying it: the run made all of its metadata for this checkpoint, of plain JSON, and never changes it
 * again (`plain`: the run's ids, names and own metadata were checked once, see `RunStore`). The step's
 * usage and timing are the run's own objects (its meter's, its timer's, and the timer's copies of the
 * call records it was given); they are checked here, without a copy: model names that are plain keys,
 * finite figures, call records of plain figures alone (perf, issue 17: copying an agent step's metadata
 * was ≈ 3 % of L1). Not when they hold anyone else's objects: a call record with content (the caller's).
 */
export function handOver(next: NextCheckpoint, plain: boolean): boolean {
	if (!plain) return false;
	if (
		next.usage !== undefined &&
		next.usage.calls !== 0 &&
		!plainUsage(next.usage)
	)
		return false;
	const timing = next.metadata?.[TIMING_KEY] as
		| { calls?: unknown; models?: unknown; errors?: unknown }
		| undefined;
	return (
		typeof timing !== "object" ||
		timing === null ||
		Array.isArray(timing) ||
		((timing.calls === undefined || plainRecords(timing.calls)) &&
			(timing.models === undefined || plainDurations(timing.models)) &&
			(timing.errors === undefined || plainRecords(timing.errors)))
	);
}

/** Run metadata (`RunConfig.metadata`) that can stand in plain JSON as it is: scalars under plain keys. */
export function plainUserMetadata(
	user: Readonly<Record<string, unknown>>,
): boolean {
	for (const key in user) if (!isPlainEntry(key, user[key])) return false;
	return true;
}

/** A number JSON gives back as it is. */
const plainNumber = (n: unknown): boolean =>
	typeof n === "number" && Number.isFinite(n) && !Object.is(n, -0);

/** A usage meter's step usage (see `UsageMeter`): plain names, finite figures. */
function plainUsage(usage: RunUsage): boolean {
	return (
		plainTotals(usage) &&
		plainTotalsByName(usage.byModel) &&
		plainTotalsByName(usage.byNode)
	);
}

function plainTotalsByName(by: Record<string, UsageTotals>): boolean {
	if (Object.getPrototypeOf(by) !== Object.prototype) return false;
	for (const key in by)
		if (!Object.hasOwn(by, key) || !isPlainName(key) || !plainTotals(by[key]!))
			return false;
	return true;
}

function plainTotals(t: UsageTotals): boolean {
	return (
		plainNumber(t.inputTokens) &&
		plainNumber(t.outputTokens) &&
		plainNumber(t.totalTokens) &&
		plainNumber(t.cachedTokens) &&
		plainNumber(t.calls) &&
		absentOrPlainNumber(t, "costUsd") &&
		absentOrPlainNumber(t, "unpricedCalls")
	);
}

/** An optional figure: a plain number, or no key at all (not a key holding undefined). */
function absentOrPlainNumber(
	t: UsageTotals,
	key: "costUsd" | "unpricedCalls",
): boolean {
	const v = t[key];
	return v === undefined ? !Object.hasOwn(t, key) : plainNumber(v);
}

/** The timer's durations by model (see `StepTimer.model`): plain names, lists of finite numbers. */
function plainDurations(models: unknown): boolean {
	if (
		typeof models !== "object" ||
		models === null ||
		Object.getPrototypeOf(models) !== Object.prototype
	)
		return false;
	for (const key in models) {
		const list = (models as Record<string, unknown>)[key];
		if (
			!Object.hasOwn(models, key) ||
			!isPlainName(key) ||
			!Array.isArray(list) ||
			Object.getPrototypeOf(list) !== Array.prototype
		)
			return false;
		for (let i = 0; i < list.length; i++)
			if (!(i in list) || !plainNumber(list[i])) return false;
	}
	return true;
}

/** A list of flat records of plain scalars (the timer's errors, and its copies of call records). */
function plainRecords(list: unknown): boolean {
	if (!Array.isArray(list) || Object.getPrototypeOf(list) !== Array.prototype)
		return false;
	for (let i = 0; i < list.length; i++) {
		const record: unknown = list[i];
		if (
			typeof record !== "object" ||
			record === null ||
			Object.getPrototypeOf(record) !== Object.prototype
		)
			return false;
		for (const key in record)
			if (
				!Object.hasOwn(record, key) ||
				!isPlainEntry(key, (record as Record<string, unknown>)[key])
			)
				return false;
	}
	return true;
}
