// Ways stored rows go bad (disk errors, manual edits, bugs of older versions, hostile writers), each
// applied with raw SQL to one thread of a SQLite or Postgres store.
import type { Checkpointer } from "@weft/checkpoint";
import type { RawSql } from "./fuzz-store.ts";

/** The checkpoints of the thread to corrupt, oldest to newest. */
export interface Target {
	threadId: string;
	ids: string[];
}

export interface Corruption {
	name: string;
	apply(raw: RawSql, t: Target): Promise<void>;
	/** The state can't be read right: reading it must fail (typed), never answer silently. */
	breaksState?: true;
}

const head = (t: Target) => t.ids.at(-1)!;
const root = (t: Target) => t.ids[0]!;
const mid = (t: Target) => t.ids[Math.floor(t.ids.length / 2)]!;
const bytes = (s: string) => Buffer.from(s, "utf8");

async function setData(raw: RawSql, t: Target, id: string, data: Buffer) {
	await raw.run(
		"UPDATE checkpoints SET data = ? WHERE thread_id = ? AND checkpoint_id = ?",
		[data, t.threadId, id],
	);
}

async function getData(raw: RawSql, t: Target, id: string): Promise<Buffer> {
	const [row] = await raw.rows<{ data: Buffer }>(
		"SELECT data FROM checkpoints WHERE thread_id = ? AND checkpoint_id = ?",
		[t.threadId, id],
	);
	return Buffer.from(row!.data);
}

/** Rewrites a checkpoint's data, when stored as plain JSON ("j" + JSON). */
function editData(
	at: (t: Target) => string,
	edit: (data: Record<string, unknown>) => void,
) {
	return async (raw: RawSql, t: Target) => {
		const id = at(t);
		const blob = await getData(raw, t, id);
		const data = JSON.parse(blob.subarray(1).toString("utf8")) as Record<
			string,
			unknown
		>;
		edit(data);
		await setData(raw, t, id, bytes(`j${JSON.stringify(data)}`));
	};
}

function setColumn(at: (t: Target) => string, column: string, value: unknown) {
	return (raw: RawSql, t: Target) =>
		raw.run(
			`UPDATE checkpoints SET ${column} = ? WHERE thread_id = ? AND checkpoint_id = ?`,
			[value, t.threadId, at(t)],
		);
}

/** Replaces every pending write at the head with one record. */
function pendingWrite(data: Buffer) {
	return async (raw: RawSql, t: Target) => {
		await raw.run(
			"UPDATE writes SET data = ? WHERE thread_id = ? AND checkpoint_id = ?",
			[data, t.threadId, head(t)],
		);
	};
}

const superjson = (json: unknown, meta: unknown) =>
	bytes(`s${JSON.stringify({ json, meta })}`);

const DEEP = 1_000_000;

export const CORRUPTIONS: Corruption[] = [
	{
		name: "head blob: random bytes",
		breaksState: true,
		apply: (r, t) =>
			setData(
				r,
				t,
				head(t),
				Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 255]),
			),
	},
	{
		name: "head blob: empty",
		breaksState: true,
		apply: (r, t) => setData(r, t, head(t), Buffer.alloc(0)),
	},
	{
		name: "head blob: j{}",
		breaksState: true,
		apply: (r, t) => setData(r, t, head(t), bytes("j{}")),
	},
	{
		name: "head blob: jnull",
		breaksState: true,
		apply: (r, t) => setData(r, t, head(t), bytes("jnull")),
	},
	{
		name: "head blob: truncated",
		breaksState: true,
		apply: async (r, t) =>
			setData(r, t, head(t), (await getData(r, t, head(t))).subarray(0, 9)),
	},
	{
		name: "head blob: unknown format byte",
		breaksState: true,
		apply: (r, t) => setData(r, t, head(t), bytes('q{"writes":[]}')),
	},
	{
		name: "root: snapshot flag without a snapshot",
		breaksState: true,
		apply: editData(root, (d) => {
			delete d.snapshot;
		}),
	},
	{
		name: "root: snapshot is an array",
		breaksState: true,
		apply: editData(root, (d) => {
			d.snapshot = [];
		}),
	},
	{
		name: "root: snapshot key of the wrong type",
		breaksState: true,
		apply: editData(root, (d) => {
			(d.snapshot as Record<string, unknown>).round = "seven";
		}),
	},
	{
		name: "head: write to __proto__",
		breaksState: true,
		apply: editData(head, (d) => {
			d.writes = [["next", "__proto__", { polluted: true }]];
		}),
	},
	{
		name: "head: write to a key outside the schema",
		breaksState: true,
		apply: editData(head, (d) => {
			d.writes = [["next", "nokey", 1]];
		}),
	},
	{
		name: "head: write of the wrong type",
		breaksState: true,
		apply: editData(head, (d) => {
			d.writes = [["next", "round", "seven"]];
		}),
	},
	{
		name: "head: writes not an array",
		breaksState: true,
		apply: editData(head, (d) => {
			d.writes = "oops";
		}),
	},
	{
		name: "head: task of an unknown node",
		apply: editData(head, (d) => {
			d.tasks = [{ id: "ghost", node: "ghost" }];
		}),
	},
	{
		name: "head: tasks not an array",
		breaksState: true,
		apply: editData(head, (d) => {
			d.tasks = 7;
		}),
	},
	{
		name: "head: superjson builds an Error",
		breaksState: true,
		apply: (r, t) =>
			setData(
				r,
				t,
				head(t),
				superjson(
					{ writes: [["next", "verdict", { message: "x" }]], tasks: [] },
					{ values: { "writes.0.2": ["Error"] } },
				),
			),
	},
	{
		name: "head: superjson builds a URL",
		breaksState: true,
		apply: (r, t) =>
			setData(
				r,
				t,
				head(t),
				superjson(
					{ writes: [["next", "verdict", "http://x/"]], tasks: [] },
					{ values: { "writes.0.2": ["URL"] } },
				),
			),
	},
	{
		name: "head: superjson cycle",

		apply: (r, t) =>
			setData(
				r,
				t,
				head(t),
				superjson(
					{ writes: [["next", "log", ["a"]]], tasks: [] },
					{ referentialEqualities: { "": ["writes.0.2"] } },
				),
			),
	},
	{
		name: "head: JSON nested 10^6 deep",
		breaksState: true,
		apply: (r, t) =>
			setData(
				r,
				t,
				head(t),
				bytes(`j{"writes":${"[".repeat(DEEP)}${"]".repeat(DEEP)},"tasks":[]}`),
			),
	},
	{
		name: "metadata: not an object",
		apply: setColumn(head, "metadata", '"text"'),
	},
	{ name: "metadata: null", apply: setColumn(head, "metadata", "null") },
	{ name: "metadata: an array", apply: setColumn(head, "metadata", "[1,2]") },
	{
		name: "chain: parent cycle",
		breaksState: true,
		apply: (r, t) => setColumn(mid, "parent_id", head(t))(r, t),
	},
	{
		name: "chain: own parent",
		breaksState: true,
		apply: (r, t) => setColumn(mid, "parent_id", mid(t))(r, t),
	},
	{
		name: "chain: middle checkpoint deleted",
		breaksState: true,
		apply: (r, t) =>
			r.run(
				"DELETE FROM checkpoints WHERE thread_id = ? AND checkpoint_id = ?",
				[t.threadId, mid(t)],
			),
	},
	{
		name: "chain: parent that does not exist",
		breaksState: true,
		apply: setColumn(head, "parent_id", "01900000-0000-7000-8000-000000000000"),
	},
	{ name: "row: negative step", apply: setColumn(head, "step", -5) },
	{ name: "row: unknown source", apply: setColumn(head, "source", "bogus") },
	{
		name: "row: created_at not a date",
		apply: setColumn(head, "created_at", "yesterday"),
	},
	{ name: "row: size negative", apply: setColumn(head, "size", -1) },
	{
		name: "pending write: random bytes",
		apply: pendingWrite(Buffer.from([0xff, 0x00, 0x13])),
	},
	{
		name: "pending write: unknown kind",
		apply: pendingWrite(bytes('j{"kind":"bogus","taskId":"x"}')),
	},
	{
		name: "pending write: __proto__ channel",
		apply: pendingWrite(
			bytes(
				'j{"kind":"done","taskId":"review","node":"review","writes":[["review","__proto__",{"polluted":true}]]}',
			),
		),
	},
	{
		name: "pending write: interrupt without id",
		apply: pendingWrite(
			bytes(
				'j{"kind":"interrupt","taskId":"review","node":"review","index":0}',
			),
		),
	},
	{ name: "pending write: jnull", apply: pendingWrite(bytes("jnull")) },
	{
		name: "thread row: unknown status",
		apply: (r, t) =>
			r.run("UPDATE threads SET status = ? WHERE thread_id = ?", [
				"zombie",
				t.threadId,
			]),
	},
	{
		name: "thread row: missing",
		apply: (r, t) =>
			r.run("DELETE FROM threads WHERE thread_id = ?", [t.threadId]),
	},
];

/** The checkpoint ids of a thread, oldest first (by the store's own order). */
export async function targetOf(
	cp: Checkpointer,
	threadId: string,
): Promise<Target> {
	const ids: string[] = [];
	for await (const c of cp.list({ threadId })) ids.unshift(c.checkpointId);
	return { threadId, ids };
}
