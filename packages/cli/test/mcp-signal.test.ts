// `weft mcp` stopped by its host (the SDK's client ends stdin, then sends SIGTERM) or by Ctrl-C while a
// tool call runs: the run ends cancelled at its last checkpoint and gives its thread's lease up, as
// `weft run` does, instead of the process dying with the thread left `running` and leased.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { weftMcpTransport } from "./mcp-transport.ts";
import { weft } from "./run-cli.ts";

// its first node never ends (it ignores its signal) while WEFT_TTY_RELEASE names a missing file
const fixture = fileURLToPath(
	new URL("./fixtures/slow-graph.ts", import.meta.url),
);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("weft mcp stopped by a signal while a call runs", () => {
	let dir: string;
	beforeAll(() => {
		dir = mkdtempSync(join(tmpdir(), "weft-mcp-signal-"));
	});
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	for (const signal of ["SIGTERM", "SIGINT"] as const) {
		it(`${signal}: the run ends cancelled and its lease is released`, async () => {
			const db = join(dir, `${signal}.db`);
			const transport = weftMcpTransport(db, [`slow=${fixture}#graph`], {
				...(process.env as Record<string, string>),
				WEFT_TTY_RELEASE: join(dir, "never"),
			});
			const client = new Client({ name: "test", version: "1.0.0" });
			await client.connect(transport);
			const pid = transport.pid!;
			const exited = new Promise<void>((resolve) => {
				const poll = setInterval(() => {
					try {
						process.kill(pid, 0);
					} catch {
						clearInterval(poll);
						resolve();
					}
				}, 50);
			});
			const call = client
				.callTool({ name: "slow", arguments: {} })
				.catch(() => undefined);
			let threads: any[] = [];
			while (threads.length === 0) {
				await pause(100);
				threads = (await weft(["--db", db, "threads", "--json"])).json ?? [];
			}
			expect(threads[0].status).toBe("running");
			process.kill(pid, signal);
			await exited;
			await call;
			await client.close();
			const after = (await weft(["--db", db, "threads", "--json"])).json;
			expect(after).toHaveLength(1);
			expect(after[0]).toMatchObject({ status: "cancelled", lease: null });
		}, 60_000);
	}
});
