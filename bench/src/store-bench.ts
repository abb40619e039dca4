// Store bench: put and full-text search at 10k and 100k items on SQLite and Postgres (docs/benchmarks.md,
// "Long-term memory store"). Run: node --conditions @weft/source --import tsx bench/src/store-bench.ts
// Postgres: WEFT_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432, database wt_memory_bench).
import {
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MemoryStore, type Store } from "@weft/checkpoint";
import { PostgresStore } from "@weft/checkpoint-postgres";
import { SqliteStore } from "@weft/checkpoint-sqlite";
import Database from "better-sqlite3";
import pg from "pg";
import {
	LABELLED_QUESTIONS,
	loadPassages,
	recallAtK,
} from "../../apps/research-assistant/src/recall-eval.ts";

const SIZES = [10_000, 100_000];
const SAMPLE_PUTS = 200;
const QUERIES = 50;
const corpusDir = fileURLToPath(
	new URL("../../apps/research-assistant/corpus", import.meta.url),
);

// a seeded PRNG, so every run stores and asks the same things
let seed = 42;
const random = () => {
	seed = (seed * 1103515245 + 12345) % 2 ** 31;
	return seed / 2 ** 31;
};
const pick = <T>(list: readonly T[]): T =>
	list[Math.floor(random() * list.length)]!;

const sentences = readdirSync(corpusDir)
	.filter((f) => f.endsWith(".txt"))
	.flatMap((f) =>
		readFileSync(join(corpusDir, f), "utf8").split(/(?<=[.!?])\s+/),
	)
	.filter((s) => s.length > 40 && s.length < 300);
const itemText = () => `${pick(sentences)} ${pick(sentences)}`;
const queries = Array.from({ length: QUERIES }, () => {
	const words = pick(sentences).match(/[A-Za-z]{5,}/g) ?? ["union"];
	return `${pick(words)} ${pick(words)} ${pick(words)}`;
});

function stats(ms: number[]) {
	const sorted = [...ms].sort((a, b) => a - b);
	const at = (q: number) =>
		sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
	return { p50: round(at(0.5)), p95: round(at(0.95)) };
}
const round = (x: number) => Math.round(x * 100) / 100;

async function timeEach(
	n: number,
	fn: (i: number) => Promise<unknown>,
): Promise<number[]> {
	const out: number[] = [];
	for (let i = 0; i < n; i++) {
		const t = performance.now();
		await fn(i);
		out.push(performance.now() - t);
	}
	return out;
}

interface Row {
	backend: string;
	items: number;
	fillMs: number;
	fill: string;
	put: { p50: number; p95: number };
	search: { p50: number; p95: number };
}

async function measure(
	backend: string,
	store: Store,
	items: number,
	fillMs: number,
	fill: string,
): Promise<Row> {
	const put = await timeEach(SAMPLE_PUTS, (i) =>
		store.put(["bench", `u${i % 10}`], `extra-${items}-${i}`, {
			text: itemText(),
		}),
	);
	const search = await timeEach(QUERIES, (i) =>
		store.search(["bench"], { query: queries[i]!, limit: 10 }),
	);
	return {
		backend,
		items,
		fillMs: Math.round(fillMs),
		fill,
		put: stats(put),
		search: stats(search),
	};
}

/** Loads items straight into the store's tables in one transaction (what 100k single puts would take minutes for). */
function sqliteBulkLoad(path: string, from: number, to: number): void {
	const db = new Database(path);
	const now = Date.now();
	const item = db.prepare(
		"INSERT INTO weft_store_items (ns, key, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
	);
	const fts = db.prepare(
		"INSERT INTO weft_store_fts (rowid, text) VALUES (?, ?)",
	);
	db.transaction(() => {
		for (let i = from; i < to; i++) {
			const text = itemText();
			const { id } = item.get(
				`bench\u001fu${i % 10}`,
				`item-${i}`,
				JSON.stringify({ text }),
				now,
				now,
			) as { id: number };
			fts.run(id, text);
		}
	})();
	db.close();
}

async function sqlite(rows: Row[]): Promise<void> {
	const dir = mkdtempSync(join(tmpdir(), "weft-store-bench-"));
	const path = join(dir, "store.db");
	const store = new SqliteStore({ path });
	try {
		let filled = 0;
		for (const size of SIZES) {
			const t = performance.now();
			sqliteBulkLoad(path, filled, size);
			filled = size;
			rows.push(
				await measure(
					"SQLite (FTS5)",
					store,
					size,
					performance.now() - t,
					"one transaction",
				),
			);
		}
	} finally {
		await store.close();
		rmSync(dir, { recursive: true, force: true });
	}
}

/** Postgres commits one put per transaction (≈ a disk flush each), so the items are loaded in bulk. */
async function bulkLoad(
	pool: pg.Pool,
	schema: string,
	from: number,
	to: number,
): Promise<void> {
	const now = Date.now();
	for (let start = from; start < to; start += 5_000) {
		const end = Math.min(to, start + 5_000);
		const ns: string[] = [];
		const keys: string[] = [];
		const values: string[] = [];
		const texts: string[] = [];
		for (let i = start; i < end; i++) {
			const text = itemText();
			ns.push(`bench\u001fu${i % 10}`);
			keys.push(`item-${i}`);
			values.push(JSON.stringify({ text }));
			texts.push(text);
		}
		await pool.query(
			`INSERT INTO "${schema}".store_items (ns, key, value, created_at, updated_at, tsv)
			 SELECT n, k, v::jsonb, $5, $5, to_tsvector('"${schema}".weft_english'::regconfig, t) FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(n, k, v, t)`,
			[ns, keys, values, texts, now],
		);
	}
}

async function postgres(rows: Row[]): Promise<void> {
	const base =
		process.env.WEFT_BENCH_POSTGRES ?? "postgres://postgres@127.0.0.1:5432";
	const admin = new pg.Client({
		connectionString: `${base}/postgres`,
		connectionTimeoutMillis: 2000,
	});
	try {
		await admin.connect();
	} catch {
		process.stderr.write(`no Postgres at ${base}: Postgres skipped\n`);
		return;
	}
	const exists = await admin.query(
		"SELECT 1 FROM pg_database WHERE datname = 'wt_memory_bench'",
	);
	if (exists.rowCount === 0)
		await admin.query("CREATE DATABASE wt_memory_bench");
	await admin.end();
	const connectionString = `${base}/wt_memory_bench`;
	const schema = `bench_${process.pid}`;
	const store = await PostgresStore.connect({ connectionString, schema });
	const pool = new pg.Pool({ connectionString, max: 2 });
	try {
		let filled = 0;
		for (const size of SIZES) {
			const t = performance.now();
			await bulkLoad(pool, schema, filled, size);
			filled = size;
			await pool.query(`ANALYZE "${schema}".store_items`);
			rows.push(
				await measure(
					"Postgres (tsvector)",
					store,
					size,
					performance.now() - t,
					"bulk INSERT … unnest",
				),
			);
		}
	} finally {
		await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
		await pool.end();
		await store.close();
	}
}

/** recall@5 (and @1) of full-text search over the corpus passages, on the labelled questions. */
async function recall(name: string, store: Store): Promise<string> {
	try {
		const items = await loadPassages(store, ["corpus"]);
		const at5 = await recallAtK(store, ["corpus"], 5);
		const at1 = await recallAtK(store, ["corpus"], 1);
		return `| ${name} | ${items} | ${LABELLED_QUESTIONS.length} | ${at5.toFixed(2)} | ${at1.toFixed(2)} |`;
	} finally {
		await store.close();
	}
}

const recallRows = [
	"| store | passages | questions | recall@5 | recall@1 |",
	"| --- | --- | --- | --- | --- |",
];
const recallDir = mkdtempSync(join(tmpdir(), "weft-store-recall-"));
recallRows.push(await recall("memory (minisearch BM25)", new MemoryStore()));
recallRows.push(
	await recall(
		"SQLite (FTS5 bm25)",
		new SqliteStore({ path: join(recallDir, "r.db") }),
	),
);
rmSync(recallDir, { recursive: true, force: true });
const recallPg =
	process.env.WEFT_BENCH_POSTGRES ?? "postgres://postgres@127.0.0.1:5432";
try {
	const schema = `recall_${process.pid}`;
	const store = await PostgresStore.connect({
		connectionString: `${recallPg}/wt_memory_bench`,
		schema,
	});
	recallRows.push(await recall("Postgres (ts_rank)", store));
	const pool = new pg.Pool({
		connectionString: `${recallPg}/wt_memory_bench`,
		max: 1,
	});
	await pool.query(`DROP SCHEMA "${schema}" CASCADE`);
	await pool.end();
} catch (error) {
	process.stderr.write(`recall on Postgres skipped: ${String(error)}\n`);
}

const rows: Row[] = [];
await sqlite(rows);
await postgres(rows);
const table = [
	"| backend | items | fill (how) | put p50 / p95 ms | search p50 / p95 ms |",
	"| --- | --- | --- | --- | --- |",
	...rows.map(
		(r) =>
			`| ${r.backend} | ${r.items.toLocaleString("en")} | ${(r.fillMs / 1000).toFixed(1)} s (${r.fill}) | ${r.put.p50} / ${r.put.p95} | ${r.search.p50} / ${r.search.p95} |`,
	),
].join("\n");
writeFileSync(
	fileURLToPath(new URL("../results/store.json", import.meta.url)),
	`${JSON.stringify({ date: new Date().toISOString(), samplePuts: SAMPLE_PUTS, queries: QUERIES, rows, recall: recallRows.slice(2) }, null, 2)}\n`,
);
process.stdout.write(`${table}\n\n${recallRows.join("\n")}\n`);
