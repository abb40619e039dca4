import type { Corruption } from "@weft/checkpoint/conformance";
import { admin } from "./postgres.ts";

const KEY = "thread_id = $1 AND ns = $2 AND checkpoint_id = $3";

/**
 * The conformance suite's corrupt hook for Postgres: damages rows of `schema` behind the store's back.
 * Metadata is JSONB, so text that is not JSON cannot be stored (false).
 */
export function corrupter(schema: string) {
	const s = `"${schema}"`;
	return async (c: Corruption): Promise<boolean> => {
		const key = [c.at.threadId, c.at.ns, c.at.checkpointId];
		switch (c.kind) {
			case "parent":
				await admin(`UPDATE ${s}.checkpoints SET parent_id = $4 WHERE ${KEY}`, [
					...key,
					c.parentId,
				]);
				return true;
			case "delete":
				await admin(`DELETE FROM ${s}.checkpoints WHERE ${KEY}`, key);
				return true;
			case "blob":
				await admin(`UPDATE ${s}.checkpoints SET data = $4 WHERE ${KEY}`, [
					...key,
					Buffer.from(c.bytes),
				]);
				return true;
			case "write":
				await admin(
					`UPDATE ${s}.writes SET data = $4 WHERE ${KEY} AND seq = (SELECT seq FROM ${s}.writes WHERE ${KEY} ORDER BY seq OFFSET $5 LIMIT 1)`,
					[...key, Buffer.from(c.bytes), c.index],
				);
				return true;
			case "metadata":
				try {
					JSON.parse(c.text);
				} catch {
					return false;
				}
				await admin(
					`UPDATE ${s}.checkpoints SET metadata = $4::jsonb WHERE ${KEY}`,
					[...key, c.text],
				);
				return true;
		}
	};
}
