// The bad-input fuzz: generated calls of the public API with odd ids, configs, updates, resume values,
// list and prune options and metadata. Each case is made from its number (a seeded generator), so a
// failure names a case that can be run again.
import { Command } from "@weft/graph";
import type { FuzzStore } from "./fuzz-store.ts";
import { GOOD } from "./fuzz-store.ts";

function random(seed: number) {
	let a = seed >>> 0;
	const next = () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	return <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
}

const cyclic = (): Record<string, unknown> => {
	const o: Record<string, unknown> = { a: 1 };
	o.self = o;
	return o;
};
const deep = (n: number): unknown => {
	let v: unknown = 1;
	for (let i = 0; i < n; i++) v = [v];
	return v;
};
const proto = () => JSON.parse('{"__proto__": {"polluted": true}, "round": 1}');

/** Odd values for ids (thread, checkpoint, interrupt). */
const IDS = (): unknown[] => [
	"",
	" ",
	"a\u0000b",
	"x".repeat(1_000_000),
	"x".repeat(300),
	"sur\uD800",
	"sur\uDBFF",
	"\uDC00lead",
	"emoji😀",
	"../../etc",
	"'; DROP TABLE checkpoints; --",
	"ns:colon|pipe",
	"known-good",
	"01900000-0000-7000-8000-000000000000",
	"not-a-uuid",
	42,
	0,
	-1,
	Number.NaN,
	null,
	undefined,
	true,
	{},
	[],
	["a"],
	Symbol("id"),
	() => "id",
	10n,
];

const NUMBERS: unknown[] = [
	0,
	-1,
	1.5,
	Number.NaN,
	Number.POSITIVE_INFINITY,
	"10",
	1e12,
	null,
	2 ** 53,
	{},
];

const METADATA = (): unknown[] => [
	{ k: 10n },
	cyclic(),
	{ "\u0000": 1 },
	{ k: "nul\u0000byte" },
	{ k: deep(5000) },
	{ k: undefined },
	{ k: () => 1 },
	{ k: "x".repeat(1_000_000) },
	proto(),
	"string",
	7,
	[1, 2],
	null,
	{ k: new Date() },
	{ k: Number.NaN },
];

const UPDATES = (): unknown[] => [
	{ round: "x" },
	{ round: undefined },
	{ rounds: undefined },
	{ nokey: 1 },
	proto(),
	{ log: "not-an-array" },
	{ log: [1, 2] },
	{ log: [cyclic()] },
	{ log: [10n] },
	{ rounds: Number.NaN },
	{ rounds: -1 },
	{ verdict: deep(5000) },
	{ verdict: Symbol("v") },
	{ verdict: () => 1 },
	null,
	5,
	"text",
	[],
	new Date(),
	new Map([["round", 1]]),
	{},
	{ rounds: 1 },
];

const RESUMES = (): unknown[] => [
	undefined,
	null,
	{ action: "maybe" },
	{ action: "approve", extra: cyclic() },
	{ "no-such-interrupt": { action: "approve" } },
	"approve",
	42,
	cyclic(),
	10n,
	[],
	deep(5000),
	{ __proto__: { action: "approve" } },
	proto(),
];

const LIST_OPTIONS = (): unknown[] => [
	{ limit: -1 },
	{ limit: "x" },
	{ limit: Number.NaN },
	{ limit: 1.5 },
	{ before: 5 },
	{ before: "nope" },
	{ filter: null },
	{ filter: 5 },
	{ filter: { k: 10n } },
	{ filter: cyclic() },
	{ filter: { "\u0000": "x" } },
	null,
	"opts",
];

const PRUNE_OPTIONS = (): unknown[] => [
	{ keepLast: 0 },
	{ keepLast: -1 },
	{ keepLast: 1.5 },
	{ keepLast: "3" },
	{ keepLast: Number.NaN },
	{ keepSince: new Date(Date.now() + 1e9) },
	{ keepSince: new Date(Number.NaN) },
	{ keepSince: "yesterday" },
	{},
	null,
];

const CONFIGS = (pick: ReturnType<typeof random>, i: number): unknown => {
	const base = { threadId: `fuzz-c-${i}` };
	switch (
		pick(["rl", "mc", "md", "sig", "ctx", "ib", "wait", "cp", "whole"] as const)
	) {
		case "rl":
			return { ...base, recursionLimit: pick(NUMBERS) };
		case "mc":
			return { ...base, maxConcurrency: pick(NUMBERS) };
		case "md":
			return { ...base, metadata: pick(METADATA()) };
		case "sig":
			return { ...base, signal: pick(["x", 5, {}, AbortSignal.abort()]) };
		case "ctx":
			return { ...base, context: pick([5, "x", cyclic(), null]) };
		case "ib":
			return { ...base, interruptBefore: pick([["ghost"], "a", [5], null]) };
		case "wait":
			return { ...base, waitForLease: pick(NUMBERS) };
		case "cp":
			return { ...base, checkpointId: pick(IDS()) };
		case "whole":
			return pick([null, "config", 5, [], cyclic()]);
	}
};

export interface BadInputCase {
	name: string;
	run(s: FuzzStore): Promise<unknown>;
	/** After a run that succeeded on this thread id, the store must show the same id back. */
	acceptedThread?: unknown;
}

/** Case i of the bad-input fuzz. */
export function badInputCase(i: number): BadInputCase {
	const pick = random(i * 7919 + 17);
	const kind = pick([
		"run-id",
		"run-config",
		"run-input",
		"resume",
		"get-state",
		"history",
		"update-state",
		"prune",
		"list-threads",
		"get-thread",
		"replay",
		"diff",
	] as const);
	const id = pick(IDS());
	const show = label;
	const any = (v: unknown) => v as never;
	switch (kind) {
		case "run-id":
			return {
				name: `run with threadId ${show(id)}`,
				// the known-good thread is not run on: the fuzz checks it stays as it was
				run: async (s) =>
					id === GOOD
						? undefined
						: s.graph.run({ rounds: 1 }, { threadId: any(id) }),
				acceptedThread: id === GOOD ? undefined : id,
			};
		case "run-config": {
			const config = CONFIGS(pick, i);
			return {
				name: `run with config ${show(config)}`,
				run: (s) => s.graph.run({ rounds: 1 }, any(config)),
			};
		}
		case "run-input": {
			const input = pick(UPDATES());
			return {
				name: `run with input ${show(input)}`,
				run: (s) => s.graph.run(any(input), { threadId: `fuzz-in-${i}` }),
			};
		}
		case "resume": {
			const value = pick(RESUMES());
			const target = pick([GOOD, `fuzz-r-${i}`]);
			return {
				name: `resume ${target} with ${show(value)}`,
				run: async (s) => {
					if (target !== GOOD)
						await s.graph.run({ rounds: 1 }, { threadId: target });
					// the known-good thread is only answered with values its schema refuses
					if (target === GOOD && isValidAnswer(value)) return;
					return s.graph.run(new Command({ resume: value }), {
						threadId: target,
					});
				},
			};
		}
		case "get-state":
			return {
				name: `getState of ${show(id)}`,
				run: (s) =>
					s.graph.getState(
						any(
							pick([
								{ threadId: id },
								{ threadId: GOOD, checkpointId: id },
								id,
							]),
						),
					),
			};
		case "history": {
			const options = pick(LIST_OPTIONS());
			return {
				name: `getStateHistory ${show(options)}`,
				run: async (s) => {
					for await (const _ of s.graph.getStateHistory(
						{ threadId: pick([GOOD, any(id)]) },
						any(options),
					)) {
						// read all
					}
				},
			};
		}
		case "update-state": {
			const values = pick(UPDATES());
			return {
				name: `updateState with ${show(values)}`,
				run: async (s) => {
					const threadId = `fuzz-u-${i}`;
					await s.graph.run({ rounds: 1 }, { threadId });
					return s.graph.updateState(
						any(pick([{ threadId }, { threadId, checkpointId: id }])),
						any(values),
						any(
							pick([
								{},
								{ asNode: "ghost" },
								{ asNode: id },
								{ asNode: "next" },
							]),
						),
					);
				},
			};
		}
		case "prune": {
			const options = pick(PRUNE_OPTIONS());
			return {
				name: `prune ${show(options)}`,
				run: (s) => s.graph.prune(pick([GOOD, any(id)]), any(options)),
			};
		}
		case "list-threads": {
			const options = pick([
				...LIST_OPTIONS(),
				{ status: "zombie" },
				{ status: 5 },
			]);
			return {
				name: `listThreads ${show(options)}`,
				run: (s) => s.cp.listThreads(any(options)),
			};
		}
		case "get-thread":
			return {
				name: `getThread ${show(id)}`,
				run: (s) => s.cp.getThread(any(id)),
			};
		case "replay":
			return {
				name: `replay at ${show(id)}`,
				run: (s) =>
					// (replaying the known-good thread at its head would legitimately add a branch to it)
					s.graph.replay(
						any({
							threadId: id === undefined ? `fuzz-rp-${i}` : pick([GOOD, id]),
							checkpointId: id,
						}),
					),
			};
		case "diff":
			return {
				name: `diffStates with ${show(id)}`,
				run: (s) =>
					s.graph.diffStates(
						any({ threadId: GOOD }),
						any({ threadId: GOOD, checkpointId: id }),
					),
			};
	}
}

function isValidAnswer(value: unknown): boolean {
	const v = value as { action?: unknown } | null;
	return (
		typeof v === "object" &&
		v !== null &&
		(v.action === "approve" || v.action === "reject")
	);
}

/** A short, never-throwing description of a value, for case names. */
function label(v: unknown): string {
	let text: string;
	try {
		text =
			typeof v === "function" || typeof v === "symbol"
				? String(v)
				: (JSON.stringify(v, (_k, x) =>
						typeof x === "bigint" ? `${x}n` : x,
					) ?? String(v));
	} catch {
		text = `[${typeof v} that JSON can't show]`;
	}
	return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
