import { CheckpointError } from "@weft/checkpoint";
import { MIGRATIONS, SCHEMA_VERSION } from "./schema.ts";
import type { Query } from "./transactions.ts";

/**
 * Creates or migrates Weft's tables in `schema` (idempotent, safe from several processes at once:
 * migrations run under an advisory lock). With `create` false it creates nothing and only checks the
 * schema version.
 */
export async function setupSchema(
	q: Query,
	schema: string,
	create: boolean,
): Promise<void> {
	const s = `"${schema}"`;
	if (!create) {
		await checkVersion(q, schema, false);
		return;
	}
	const lock = `weft-setup:${schema}`;
	await q("SELECT pg_advisory_lock(hashtext($1))", [lock]);
	try {
		await q(`CREATE SCHEMA IF NOT EXISTS ${s}`);
		await q(
			`CREATE TABLE IF NOT EXISTS ${s}.schema_version (version INTEGER NOT NULL)`,
		);
		const version = await checkVersion(q, schema, true);
		// Each migration commits with its version number, so a crash between two leaves a known version.
		for (let v = version; v < SCHEMA_VERSION; v++) {
			await q("BEGIN");
			try {
				await q(MIGRATIONS[v]!.replaceAll("$S", s));
				await q(`DELETE FROM ${s}.schema_version`);
				await q(`INSERT INTO ${s}.schema_version (version) VALUES ($1)`, [
					v + 1,
				]);
				await q("COMMIT");
			} catch (error) {
				await q("ROLLBACK").catch(() => {});
				throw error;
			}
		}
	} finally {
		await q("SELECT pg_advisory_unlock(hashtext($1))", [lock]);
	}
}

/** The schema's version; refuses one newer than this code, or (when not creating) a missing or older one. */
async function checkVersion(
	q: Query,
	schema: string,
	create: boolean,
): Promise<number> {
	let version = 0;
	try {
		const { rows } = await q(
			`SELECT max(version) AS v FROM "${schema}".schema_version`,
		);
		version = (rows[0]?.v as number | null) ?? 0;
	} catch (error) {
		if (create) throw error;
		throw new CheckpointError(
			"STORE_UNAVAILABLE",
			`schema ${schema} has no Weft tables`,
			{
				hint: "run setup once with a role allowed to create them (createSchema: true), then connect with createSchema: false",
				cause: error,
			},
		);
	}
	if (version > SCHEMA_VERSION) {
		throw new CheckpointError(
			"STORE_SCHEMA_TOO_NEW",
			`schema ${schema} has version ${version}; this version of @weft/checkpoint-postgres knows up to ${SCHEMA_VERSION}`,
			{ hint: "upgrade @weft/checkpoint-postgres; nothing was changed" },
		);
	}
	if (!create && version < SCHEMA_VERSION) {
		throw new CheckpointError(
			"STORE_UNAVAILABLE",
			`schema ${schema} is at version ${version}, not ${SCHEMA_VERSION}`,
			{
				hint: "run setup() with a role allowed to migrate (createSchema: true)",
			},
		);
	}
	return version;
}
