// A thread a server ran (`weft dev`) answered on the command line beside it: the CLI finds the graph's
// module through weft.json by the graph id the server recorded, or says how to point at it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type ServerProcess,
	startWeft,
} from "../../server/test/fixtures/weft-dev.ts";
import { weft } from "./run-cli.ts";

const graph = fileURLToPath(
	new URL("./fixtures/review-graph.ts", import.meta.url),
);

let dir: string;
let db: string;
let server: ServerProcess;

async function post(path: string, body: unknown): Promise<any> {
	const res = await fetch(`${server.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
	});
	expect(res.status, await res.clone().text()).toBeLessThan(300);
	return res.json();
}

/** A thread the server ran to its human checkpoint. */
async function pausedThread(threadId: string): Promise<void> {
	await post("/threads", { thread_id: threadId });
	const paused = await post(`/threads/${threadId}/runs/wait`, {
		assistant_id: "review",
		input: { topic: "tides" },
	});
	expect(paused.__interrupt__).toHaveLength(1);
}

describe("weft approve on a thread that weft dev ran", () => {
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), "weft-server-threads-"));
		db = join(dir, "weft.db");
		writeFileSync(
			join(dir, "weft.json"),
			JSON.stringify({ graphs: { review: `${graph}#graph` } }),
		);
		server = await startWeft([
			"--db",
			db,
			"dev",
			"--config",
			join(dir, "weft.json"),
			"--port",
			"0",
		]);
	}, 60_000);
	afterAll(async () => {
		expect(await server?.stop()).toBe(0);
		rmSync(dir, { recursive: true, force: true });
	});

	it("finds the module through weft.json by the graph id the server recorded; the server then reads the answered thread", async () => {
		await pausedThread("served-1");
		const out = await weft(["--db", db, "approve", "served-1"], { cwd: dir });
		expect(out.code, out.stderr).toBe(0);
		const thread = await (await fetch(`${server.url}/threads/served-1`)).json();
		expect(thread.status).toBe("idle");
		expect(thread.values.published).toBe(true);
		// `weft inspect` (API.md's name) is `weft show`
		const inspected = await weft(
			["--db", db, "--json", "inspect", "served-1"],
			{
				cwd: dir,
			},
		);
		expect(inspected.code, inspected.stderr).toBe(0);
		expect(inspected.json.values.published).toBe(true);
	}, 60_000);

	it("without a weft.json that names the graph, says which graph ran it and how to point at its module", async () => {
		await pausedThread("served-2");
		const elsewhere = mkdtempSync(join(tmpdir(), "weft-elsewhere-"));
		try {
			const out = await weft(["--db", db, "approve", "served-2"], {
				cwd: elsewhere,
			});
			expect(out.code).toBe(2);
			expect(out.stderr).toContain(
				'thread "served-2" was run by a server as graph "review"',
			);
			expect(out.stderr).toMatch(/hint: .*--graph .*weft\.json/);
		} finally {
			rmSync(elsewhere, { recursive: true, force: true });
		}
	}, 60_000);
});
