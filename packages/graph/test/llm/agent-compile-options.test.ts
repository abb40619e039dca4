// createAgent takes the graph's compile options (decision 0126): the lease's time-to-live, so a thread
// whose runner died reads `stale` (and `graph.recover` goes on) after that long rather than the default
// 30 s; interruptBefore/interruptAfter; snapshots; store.
import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { MemoryCheckpointer, MemoryStore } from "@weft/graph";
import {
	createAgent,
	createSupervisor,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const input = { messages: [new HumanMessage("add")] };

describe("createAgent passes the graph's compile options on", () => {
	it("leaseTtlMs: the run's lease lasts that long, not the default 30 s", async () => {
		const checkpointer = new MemoryCheckpointer();
		let expiresAt: string | undefined;
		const before = Date.now();
		// the tool reads the lease its own run holds
		const peek = tool(
			async () => {
				expiresAt = (await checkpointer.getThread("t"))?.lease?.expiresAt;
				return "ok";
			},
			{ name: "peek", description: "reads the lease", schema: z.object({}) },
		);
		const agent = createAgent({
			model: new ScriptedChatModel([
				{ toolCalls: [{ name: "peek", args: {}, id: "p1" }] },
				"done",
			]),
			tools: [peek],
			checkpointer,
			leaseTtlMs: 2_000,
		});
		expect((await agent.run(input, { threadId: "t" })).status).toBe("done");
		expect(expiresAt).toBeDefined();
		// well below the default 30 s whatever the machine's speed: the lease was taken after `before`
		// with a 2 s TTL, and renewed (by a third of it) at most while the run lasted
		expect(Date.parse(expiresAt!) - before).toBeLessThan(20_000);
	});

	it("interruptBefore pauses before the named node; snapshots and store are the graph's", async () => {
		const store = new MemoryStore();
		let seen: unknown;
		const remember = tool(
			async (_args, config) => {
				seen = (config as { store?: unknown }).store;
				return "ok";
			},
			{ name: "remember", description: "x", schema: z.object({}) },
		);
		const agent = createAgent({
			model: new ScriptedChatModel([
				{ toolCalls: [{ name: "remember", args: {}, id: "r1" }] },
				"done",
			]),
			tools: [remember],
			checkpointer: new MemoryCheckpointer(),
			interruptBefore: ["tools"],
			snapshots: { minSteps: 1 },
			store,
		});
		const paused = await agent.run(input, { threadId: "t" });
		expect(paused.status).toBe("interrupted");
		expect((await agent.getState({ threadId: "t" })).next).toEqual(["tools"]);
		const done = await agent.run(null, { threadId: "t" });
		expect(done.status).toBe("done");
		expect(seen === undefined || seen === store).toBe(true);
	});

	it("createSupervisor takes leaseTtlMs too", async () => {
		const checkpointer = new MemoryCheckpointer();
		let expiresAt: string | undefined;
		const before = Date.now();
		const peek = tool(
			async () => {
				expiresAt = (await checkpointer.getThread("s"))?.lease?.expiresAt;
				return "ok";
			},
			{ name: "peek", description: "reads the lease", schema: z.object({}) },
		);
		const worker = createAgent({
			model: new ScriptedChatModel([
				{ toolCalls: [{ name: "peek", args: {}, id: "p1" }] },
				"done",
			]),
			tools: [peek],
		});
		let turn = 0;
		const team = createSupervisor({
			agents: { worker },
			route: () => (turn++ === 0 ? "worker" : "__end__"),
			checkpointer,
			leaseTtlMs: 2_000,
		});
		expect((await team.run(input, { threadId: "s" })).status).toBe("done");
		expect(expiresAt).toBeDefined();
		expect(Date.parse(expiresAt!) - before).toBeLessThan(20_000);
	});
});
