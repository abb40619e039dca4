// Found from outside (6 Dec): a thread a `weft run` made on the file `weft dev` serves showed in the
// studio without its state ("the full state needs the thread's graph") and could not be answered there
// ("open this store with weft dev --graph …"), though dev served that very module under a name.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import {
	type ServerProcess,
	startWeft,
} from "../../server/test/fixtures/weft-dev.ts";
import { root, weft } from "./run-cli.ts";

const agent = join(root, "packages/cli/templates/agent/src/agent.ts");
const other = join(root, "examples/src/human-approval.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-dev-cli-threads-"));
let server: ServerProcess | undefined;
afterAll(async () => {
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
});

it("weft dev reads and answers a thread weft run made, matching its module to a served graph", async () => {
	const db = join(dir, "weft.db");
	const ran = await weft([
		"--db",
		db,
		"run",
		agent,
		"--thread",
		"office-cli",
		"--scopes",
		"mail:send",
		"-m",
		"Tell Bob hi",
	]);
	expect(ran.code, ran.stderr).toBe(0);
	server = await startWeft([
		"--db",
		db,
		"dev",
		"--graph",
		`agent=${agent}#agent`,
		"--graph",
		`other=${other}#graph`,
		"--port",
		"0",
	]);
	const inbox = await (await fetch(`${server.url}/studio/api/inbox`)).json();
	const row = inbox.find((r: any) => r.thread_id === "office-cli");
	expect(row?.graph_id).toBe("agent");
	const shown = await (
		await fetch(
			`${server.url}/studio/api/threads/office-cli/checkpoints/${row.checkpoint_id}`,
		)
	).json();
	expect(shown.values?.messages?.length).toBeGreaterThan(1);
	// answered as the studio answers: the served graph by that name, the scope granted
	const res = await fetch(`${server.url}/threads/office-cli/runs/wait`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({
			assistant_id: row.graph_id,
			checkpoint_id: row.checkpoint_id,
			command: { resume: { [row.interrupt_id]: { action: "approve" } } },
			context: { scopes: ["mail:send"] },
		}),
	});
	const done = await res.json();
	expect(res.status, JSON.stringify(done)).toBe(200);
	expect(JSON.stringify(done.messages)).toContain("sent to bob@example.com");
}, 120_000);
