import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { weftMain } from "../../test-setup/weft-cli.ts";
import { main as serveGraphs } from "../src/mcp/serve-graphs.ts";
import { main as useMcpTools } from "../src/mcp/use-mcp-tools.ts";
import { agentMemory, nodeMemory } from "../src/memory/agent-memory.ts";
import { main as storeBasics } from "../src/memory/store-basics.ts";

const run = promisify(execFile);

describe("memory examples run offline", () => {
	it("stores, lists and searches on memory and SQLite; semantic and hybrid with embeddings", async () => {
		const { memory, sqlite, semantic } = await storeBasics();
		for (const r of [memory, sqlite]) {
			expect(r.item?.value).toEqual({
				text: "Prefers green tea, no sugar",
				kind: "preference",
			});
			expect(r.all.map((i) => i.key).sort()).toEqual(["city", "drink", "trip"]);
			expect(r.all.find((i) => i.key === "trip")?.expiresAt).toBeInstanceOf(
				Date,
			);
			expect(r.hits[0]?.key).toBe("drink");
			expect(r.facts.map((i) => i.key)).toEqual(["city"]);
		}
		expect(semantic.byMeaning[0]?.key).toBe("drink");
		expect(semantic.both[0]?.key).toBe("drink");
		expect(semantic.words.map((h) => h.key)).toEqual(["drink"]);
	});

	it("store-basics runs as a plain script, outside vitest (node --import tsx)", async () => {
		const script = fileURLToPath(
			new URL("../src/memory/store-basics.ts", import.meta.url),
		);
		const { stdout } = await run(process.execPath, [
			"--conditions",
			"@weft/source",
			"--import",
			"tsx",
			script,
		]);
		expect(stdout).toContain("by meaning: drink");
	}, 60_000);

	it("ctx.store fills the user from the context and does not repeat writes on resume", async () => {
		const { done, items } = await nodeMemory();
		expect(done.values.seen).toBe(1);
		expect(items.map((i) => i.namespace)).toEqual([
			["users", "alice", "notes"],
		]);
	});

	it("an agent remembers with tools and recalls into a later thread's prompt", async () => {
		const { later, store } = await agentMemory();
		expect(later.messages.at(-1)?.text).toBe("Green tea, as you like it.");
		expect(
			(await store.get(["users", "alice", "memories"], "drink"))?.value,
		).toEqual({
			text: "Alice prefers green tea",
		});
	});
});

describe("MCP examples run against real servers", () => {
	it("an agent calls a tool of a stdio MCP server", async () => {
		const { tools, answer } = await useMcpTools();
		expect(tools).toEqual(["forecast"]);
		expect(answer).toBe("Tomorrow in Lisbon: sunny, 24 °C.");
	}, 60_000);

	it("weft mcp serves a graph; a pause is answered by a second call", async () => {
		const dir = mkdtempSync(join(tmpdir(), "weft-mcp-example-"));
		try {
			const graph = fileURLToPath(
				new URL("../src/mcp/serve-graphs.ts", import.meta.url),
			);
			const { tools, first, second } = await serveGraphs(process.execPath, [
				weftMain,
				"--db",
				join(dir, "weft.db"),
				"mcp",
				"--graph",
				`publish=${graph}#graph`,
			]);
			expect(tools).toEqual(["publish", "publish_resume"]);
			expect(first.structuredContent).toMatchObject({ status: "interrupted" });
			expect(second.structuredContent).toMatchObject({
				status: "done",
				values: { topic: "durable agents", published: true },
			});
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}, 90_000);
});
