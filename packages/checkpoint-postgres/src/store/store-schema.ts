import { WeftError } from "@weft/checkpoint";
import type { Query } from "../transactions.ts";

/**
 * The store's own tables, versioned apart from the checkpointer's (`store_schema_version`), so both can
 * share a schema and migrate independently. `tsv` is the item's full-text vector (`weft_english`: english
 * stemming, no stopwords; GIN-indexed); `ns` sorts bytewise (COLLATE "C") so a namespace prefix is a range scan.
 */
const MIGRATIONS = [
	`CREATE TABLE $S.store_items (
		ns TEXT COLLATE "C" NOT NULL,
		key TEXT NOT NULL,
		value JSONB NOT NULL,
		created_at BIGINT NOT NULL,
		updated_at BIGINT NOT NULL,
		expires_at BIGINT,
		tsv TSVECTOR,
		vector BYTEA,
		PRIMARY KEY (ns, key)
	);
	CREATE INDEX store_items_tsv ON $S.store_items USING GIN (tsv);
	CREATE INDEX store_items_updated ON $S.store_items (updated_at DESC, ns, key);
	CREATE INDEX store_items_expires ON $S.store_items (expires_at) WHERE expires_at IS NOT NULL;`,
	// english stemming without english's stopword list: "the", "is", "what" are words like any other, as
	// in the memory and SQLite stores (decision 0175). Rows indexed before keep their tsv until put again.
	`CREATE TEXT SEARCH DICTIONARY $S.weft_english_stem (TEMPLATE = pg_catalog.snowball, LANGUAGE = english);
	CREATE TEXT SEARCH CONFIGURATION $S.weft_english (COPY = pg_catalog.english);
	ALTER TEXT SEARCH CONFIGURATION $S.weft_english ALTER MAPPING REPLACE pg_catalog.english_stem WITH $S.weft_english_stem;`,
];

/** The store's text search configuration in `schema` (created by the migrations), as `regconfig` text. */
export function textConfig(schema: string): string {
	return `"${schema}".weft_english`;
}

export const STORE_SCHEMA_VERSION = MIGRATIONS.length;

/** Creates or migrates the store's tables under an advisory lock (safe from several processes at once). */
export async function setupStoreSchema(
	q: Query,
	schema: string,
): Promise<void> {
	const s = `"${schema}"`;
	const lock = `weft-store-setup:${schema}`;
	await q("SELECT pg_advisory_lock(hashtext($1))", [lock]);
	try {
		await q(`CREATE SCHEMA IF NOT EXISTS ${s}`);
		await q(
			`CREATE TABLE IF NOT EXISTS ${s}.store_schema_version (version INTEGER NOT NULL)`,
		);
		const { rows } = await q(
			`SELECT max(version) AS v FROM ${s}.store_schema_version`,
		);
		const version = (rows[0]?.v as number | null) ?? 0;
		if (version > STORE_SCHEMA_VERSION)
			throw new WeftError(
				"STORE_SCHEMA_TOO_NEW",
				`the store tables in schema ${schema} have version ${version}; this @weft/checkpoint-postgres knows up to ${STORE_SCHEMA_VERSION}`,
				{ hint: "upgrade @weft/checkpoint-postgres; nothing was changed" },
			);
		for (let v = version; v < STORE_SCHEMA_VERSION; v++)
			await q(MIGRATIONS[v]!.replaceAll("$S", s));
		if (version === 0)
			await q(`INSERT INTO ${s}.store_schema_version (version) VALUES ($1)`, [
				STORE_SCHEMA_VERSION,
			]);
		else if (version < STORE_SCHEMA_VERSION)
			await q(`UPDATE ${s}.store_schema_version SET version = $1`, [
				STORE_SCHEMA_VERSION,
			]);
	} finally {
		await q("SELECT pg_advisory_unlock(hashtext($1))", [lock]);
	}
}
