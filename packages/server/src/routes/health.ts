import type { Checkpointer } from "@weft/checkpoint";
import type { Hono } from "hono";
import type { Env } from "../context.ts";
import { OkQuery } from "../query-schemas.ts";
import type { ServerRecords } from "../records/server-records.ts";
import { query } from "./validate.ts";

/** A thread id no one makes: its lookups are a round trip to the database and nothing else. */
const NO_THREAD = "00000000-0000-0000-0000-000000000000";

/**
 * `GET /ok`: liveness, answered with nothing asked of anyone. With `check_db=1` (LangGraph's name) it is
 * readiness: the checkpointer and the server's records are read once, and a database away answers 503
 * `STORE_UNAVAILABLE` (the app's error handler), so a load balancer stops sending requests that would
 * fail the same way (decision 0239).
 */
export function healthRoutes(
	app: Hono<Env>,
	checkpointer: Checkpointer,
	records: ServerRecords | undefined,
): void {
	app.get("/ok", async (c) => {
		if (query(c, OkQuery).check_db === true)
			await Promise.all([
				checkpointer.getThread(NO_THREAD),
				records?.getThread(NO_THREAD),
			]);
		return c.json({ ok: true });
	});
}
