import Database from "better-sqlite3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { END, START, StateGraph } from "@weft/graph";
import { z } from "zod";
const counts = new Map<string, number>();
const proto = (Database as any).prototype;
const prep = proto.prepare;
let on = false;
proto.prepare = function (sql: string) {
	const st = prep.call(this, sql);
	for (const m of ["run", "get", "all", "iterate"]) {
		const f = st[m];
		if (typeof f !== "function") continue;
		st[m] = function (...a: unknown[]) {
			if (on) counts.set(`${m}: ${sql.replace(/\s+/g, " ").slice(0, 110)}`, (counts.get(`${m}: ${sql.replace(/\s+/g, " ").slice(0, 110)}`) ?? 0) + 1);
			return f.apply(this, a);
		};
	}
	return st;
};
const exec = proto.exec;
proto.exec = function (sql: string) { if (on) counts.set(`exec: ${sql.slice(0,60)}`, (counts.get(`exec: ${sql.slice(0,60)}`) ?? 0) + 1); return exec.call(this, sql); };
const N = 10;
const cp = new SqliteCheckpointer({ path: join(mkdtempSync(join(tmpdir(), "sc-")), "db.sqlite") });
const names = Array.from({ length: N }, (_, i) => `n${i}`);
const g = new StateGraph(z.object({ count: z.number() }), { nodes: names });
for (let i = 0; i < N; i++) g.addNode(`n${i}`, (s) => ({ count: s.count + 1 }));
g.addEdge(START, "n0");
for (let i = 0; i + 1 < N; i++) g.addEdge(`n${i}`, `n${i + 1}`);
g.addEdge(`n${N - 1}`, END);
const graph = g.compile({ checkpointer: cp });
await graph.invoke({ count: 0 }, { threadId: "warm" });
on = true;
await graph.invoke({ count: 0 }, { threadId: "t1" });
on = false;
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log(v, k);
