// API.md "LLM calls and tools" and "Human checkpoints and interrupts", checked as a user would: a real
// @langchain/core chat model subclass (ScriptedChatModel, tool calling through bindTools), real
// @langchain/core tools with zod schemas, a real SQLite file, and approvals answered from another
// process (llm-agent-child.ts, through tsx). Calls are counted in a journal file written by each process.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
	AIMessage,
	type BaseMessage,
	HumanMessage,
	RemoveMessage,
	ToolMessage,
} from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { Command, END, START, StateGraph, ValidationError } from "@weft/graph";
import {
	createAgent,
	llmNode,
	messages,
	ScriptedChatModel,
	toolNode,
	toolsCondition,
} from "@weft/graph/llm";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
	bundledEnv,
	bundledScript,
} from "../../../test-setup/bundle-script.ts";

const child = fileURLToPath(
	new URL("./api-contract/llm-agent-child.ts", import.meta.url),
);
const root = fileURLToPath(new URL("../../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "weft-llm-contract-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ChildMessage {
	type: string;
	content: unknown;
	toolCalls?: Array<{ id: string; name: string; args: unknown }>;
	toolCallId?: string;
	status?: string;
}
interface ChildResult {
	pid: number;
	status?: string;
	interrupts?: Array<{ id: string; node: string; value: unknown }>;
	messages?: ChildMessage[];
	usage?: Record<string, unknown>;
	error?: { name: string; code: string; message: string };
}

/** Runs the agent in a new node process; resolves with its JSON line and pid. */
function agentProcess(args: string[]): Promise<ChildResult> {
	const proc = spawn(process.execPath, [bundledScript(child), ...args], {
		cwd: root,
		env: bundledEnv(),
		stdio: ["ignore", "pipe", "pipe"],
	});
	let out = "";
	let err = "";
	proc.stdout.on("data", (d) => {
		out += String(d);
	});
	proc.stderr.on("data", (d) => {
		err += String(d);
	});
	return new Promise((resolve, reject) =>
		proc.on("close", (code) => {
			if (code !== 0) return reject(new Error(`exit ${code}: ${err}`));
			const line = out.trim().split("\n").at(-1)!;
			resolve({ ...(JSON.parse(line) as ChildResult), pid: proc.pid! });
		}),
	);
}

let threads = 0;
function thread(script: string) {
	const id = `t${++threads}`;
	const file = join(dir, `${id}.db`);
	const journal = join(dir, `${id}.journal`);
	const start = () => agentProcess([file, id, "start", journal, script]);
	const resume = (value: unknown) =>
		agentProcess([file, id, "resume", journal, JSON.stringify(value)]);
	/** Journal lines of one process (without the pid), or of all. */
	const calls = (pid?: number) =>
		(existsSync(journal) ? readFileSync(journal, "utf8") : "")
			.split("\n")
			.filter(Boolean)
			.filter((l) => pid === undefined || l.startsWith(`${pid} `))
			.map((l) => l.slice(l.indexOf(" ") + 1));
	/** The thread read in this process, with a model that must not be called. */
	const read = async () => {
		const checkpointer = new SqliteCheckpointer({ path: file });
		try {
			const agent = createAgent({
				model: new ScriptedChatModel([]),
				tools: [],
				checkpointer,
			});
			return await agent.getState({ threadId: id });
		} finally {
			await checkpointer.close();
		}
	};
	/** The thread's usage over all its runs, read from the file in this process. */
	const usage = async () => {
		const checkpointer = new SqliteCheckpointer({ path: file });
		try {
			return await createAgent({
				model: new ScriptedChatModel([]),
				checkpointer,
			}).getUsage({ threadId: id });
		} finally {
			await checkpointer.close();
		}
	};
	return { start, resume, calls, read, usage };
}

const toolMessages = (list: readonly ChildMessage[] | undefined) =>
	(list ?? []).filter((m) => m.type === "tool");

describe("API.md: createAgent approvals answered from another process (SQLite file)", () => {
	it("the request holds the tool calls; approve in another process runs the tool once and never repeats earlier calls", async () => {
		const t = thread("lookup-then-mail");
		const paused = await t.start();
		expect(paused.status).toBe("interrupted");
		expect(paused.interrupts).toHaveLength(1);
		expect(paused.interrupts![0]).toMatchObject({
			node: "approve",
			value: {
				human: "approve",
				request: {
					toolCalls: [
						{
							id: "mail1",
							name: "send_email",
							args: { to: "bob@example.com", body: "Release on Friday" },
						},
					],
				},
			},
		});
		expect(t.calls(paused.pid)).toEqual([
			"model 2",
			'tool lookup_email {"name":"Bob"}',
			"model 4",
		]);
		// the pending request is readable from a third place too
		const state = await t.read();
		expect(state.interrupts.map((i) => i.node)).toEqual(["approve"]);

		const done = await t.resume({ action: "approve" });
		expect(done.status).toBe("done");
		// the answering process ran only the approved tool and the model's next call
		expect(t.calls(done.pid)).toEqual([
			'tool send_email {"to":"bob@example.com","body":"Release on Friday"}',
			"model 6",
		]);
		expect(
			toolMessages(done.messages).map((m) => [m.toolCallId, m.status]),
		).toEqual([
			["look1", "success"],
			["mail1", "success"],
		]);
		// every message of both processes is kept, in order (no answer replaced an earlier one)
		expect(done.messages!.map((m) => m.type)).toEqual([
			"human",
			"ai",
			"tool",
			"ai",
			"tool",
			"ai",
		]);
		expect(done.messages!.at(-1)).toMatchObject({
			type: "ai",
			content: "Done after: sent to bob@example.com",
		});
		expect(
			t.calls().filter((l) => l.startsWith("tool send_email")),
		).toHaveLength(1);
		// each run reports its own calls; the thread's total over both processes is in the file
		expect(paused.usage).toMatchObject({ inputTokens: 200, outputTokens: 20 });
		expect(done.usage).toMatchObject({ inputTokens: 100, outputTokens: 10 });
		expect(await t.usage()).toMatchObject({
			inputTokens: 300,
			outputTokens: 30,
			totalTokens: 330,
			byModel: { "scripted-agent": { inputTokens: 300 } },
			byNode: { agent: { inputTokens: 300 } },
		});
	});

	it("reject with a reason: a ToolMessage says so, the tool never runs, the model goes on", async () => {
		const t = thread("lookup-then-mail");
		await t.start();
		const done = await t.resume({ action: "reject", reason: "not yet" });
		expect(done.status).toBe("done");
		const answer = toolMessages(done.messages).find(
			(m) => m.toolCallId === "mail1",
		);
		expect(answer).toMatchObject({ status: "error" });
		expect(String(answer!.content)).toContain("rejected");
		expect(String(answer!.content)).toContain("not yet");
		// the model was called again and saw the rejection as the tool's result
		expect(t.calls(done.pid)).toEqual(["model 6"]);
		expect(done.messages!.at(-1)!.content).toBe(
			`Done after: ${String(answer!.content)}`,
		);
		expect(t.calls().some((l) => l.startsWith("tool send_email"))).toBe(false);
	});

	it("reject without a reason is valid too", async () => {
		const t = thread("lookup-then-mail");
		await t.start();
		const done = await t.resume({ action: "reject" });
		expect(done.status).toBe("done");
		expect(
			toolMessages(done.messages).find((m) => m.toolCallId === "mail1"),
		).toMatchObject({ status: "error" });
	});

	it("edit: the tool runs once with the edited arguments", async () => {
		const t = thread("lookup-then-mail");
		await t.start();
		const done = await t.resume({
			action: "edit",
			args: { to: "alice@example.com", body: "Release on Monday" },
		});
		expect(done.status).toBe("done");
		expect(t.calls(done.pid)).toEqual([
			'tool send_email {"to":"alice@example.com","body":"Release on Monday"}',
			"model 6",
		]);
		// the AI message in the thread holds the arguments that ran
		const ai = done.messages!.find((m) =>
			m.toolCalls?.some((c) => c.id === "mail1"),
		);
		expect(ai!.toolCalls![0]!.args).toEqual({
			to: "alice@example.com",
			body: "Release on Monday",
		});
	});

	it("a resume value that fails the response schema is a ValidationError; the thread stays interrupted, nothing lost", async () => {
		const t = thread("lookup-then-mail");
		const paused = await t.start();
		const before = await t.read();
		for (const bad of [
			{ action: "maybe" },
			{ action: "edit" },
			{ action: "edit", args: { to: "not an email", body: "x" } },
			"approve",
		]) {
			const refused = await t.resume(bad);
			expect(refused.error).toMatchObject({
				name: "ValidationError",
				code: "VALIDATION_FAILED",
			});
			expect(t.calls(refused.pid)).toEqual([]);
		}
		const after = await t.read();
		expect(after.checkpointId).toBe(before.checkpointId);
		expect(after.interrupts).toEqual(before.interrupts);
		expect(after.values.messages.map((m) => m.content)).toEqual(
			before.values.messages.map((m) => m.content),
		);
		expect(after.interrupts[0]!.id).toBe(paused.interrupts![0]!.id);
		const done = await t.resume({ action: "approve" });
		expect(done.status).toBe("done");
		expect(
			t.calls().filter((l) => l.startsWith("tool send_email")),
		).toHaveLength(1);
	});

	it("several tool calls in one AI message, some needing approval: only those are asked about, each call answered once", async () => {
		const t = thread("both");
		const paused = await t.start();
		expect(paused.status).toBe("interrupted");
		expect(
			(paused.interrupts![0]!.value as { request: { toolCalls: unknown[] } })
				.request.toolCalls,
		).toEqual([
			{
				id: "mail1",
				name: "send_email",
				args: { to: "bob@example.com", body: "hello" },
			},
		]);
		// the call that needs no approval waits with the one that does
		expect(t.calls(paused.pid)).toEqual(["model 2"]);
		const done = await t.resume({ action: "approve" });
		expect(done.status).toBe("done");
		expect(
			toolMessages(done.messages).map((m) => [m.toolCallId, m.status]),
		).toEqual([
			["look1", "success"],
			["mail1", "success"],
		]);
		const all = t.calls();
		expect(all.filter((l) => l.startsWith("tool lookup_email"))).toHaveLength(
			1,
		);
		expect(all.filter((l) => l.startsWith("tool send_email"))).toHaveLength(1);
		expect(all.filter((l) => l.startsWith("model"))).toHaveLength(2);
	});

	it("several tool calls, the gated one rejected: the others still run, each call gets one ToolMessage", async () => {
		const t = thread("both");
		await t.start();
		const done = await t.resume({ action: "reject", reason: "ask me first" });
		expect(done.status).toBe("done");
		expect(
			toolMessages(done.messages)
				.map((m) => [m.toolCallId, m.status])
				.sort(),
		).toEqual([
			["look1", "success"],
			["mail1", "error"],
		]);
		expect(t.calls(done.pid)).toEqual([
			'tool lookup_email {"name":"Bob"}',
			"model 5",
		]);
	});

	it("two gated calls in one message: one answer for both, or a decision per call id", async () => {
		const t = thread("two-mails");
		const paused = await t.start();
		expect(
			(
				paused.interrupts![0]!.value as {
					request: { toolCalls: Array<{ id: string }> };
				}
			).request.toolCalls.map((c) => c.id),
		).toEqual(["mail1", "mail2"]);
		// one edit cannot say which call it changes
		const ambiguous = await t.resume({
			action: "edit",
			args: { to: "a@example.com", body: "x" },
		});
		expect(ambiguous.error).toMatchObject({ name: "ValidationError" });
		const done = await t.resume({
			byId: {
				mail1: { action: "reject", reason: "duplicate" },
				mail2: { action: "approve" },
			},
		});
		expect(done.status).toBe("done");
		expect(
			toolMessages(done.messages).map((m) => [m.toolCallId, m.status]),
		).toEqual([
			["mail1", "error"],
			["mail2", "success"],
		]);
		expect(t.calls().filter((l) => l.startsWith("tool send_email"))).toEqual([
			'tool send_email {"to":"bob@example.com","body":"second"}',
		]);
	});

	it("resuming a thread with no pending interrupt throws", async () => {
		const t = thread("lookup-then-mail");
		await t.start();
		await t.resume({ action: "approve" });
		const again = await t.resume({ action: "approve" });
		expect(again.error).toMatchObject({ code: "NO_PENDING_INTERRUPT" });
		expect(
			t.calls().filter((l) => l.startsWith("tool send_email")),
		).toHaveLength(1);
	});
});

const State = z.object({ messages: messages() });
const sqlite = () => {
	const checkpointer = new SqliteCheckpointer({
		path: join(dir, `in-process-${++threads}.db`),
	});
	return checkpointer;
};

describe("API.md: toolNode, toolsCondition, messages(), llmNode usage and streaming (SQLite file)", () => {
	it("toolNode runs the last AI message's tool calls in parallel: both started before either ended", async () => {
		const events: string[] = [];
		let started = 0;
		let bothStarted: () => void = () => {};
		const gate = new Promise<void>((r) => {
			bothStarted = r;
		});
		// each call waits for the other to start (or gives up after a while, so a serial run fails the
		// assertion below instead of hanging)
		const waiting = (name: string) =>
			tool(
				async ({ q }) => {
					events.push(`start ${name}`);
					if (++started === 2) bothStarted();
					await Promise.race([gate, new Promise((r) => setTimeout(r, 3000))]);
					events.push(`end ${name}`);
					return `${name}:${q}`;
				},
				{
					name,
					description: `waits (${name})`,
					schema: z.object({ q: z.string() }),
				},
			);
		const tools = [waiting("first"), waiting("second")];
		const model = new ScriptedChatModel([
			{
				toolCalls: [
					{ name: "first", args: { q: "a" }, id: "c1" },
					{ name: "second", args: { q: "b" }, id: "c2" },
				],
			},
			"both answered",
		]);
		const checkpointer = sqlite();
		const graph = new StateGraph(State)
			.addNode("agent", llmNode({ model, tools, system: "Be brief." }))
			.addNode("tools", toolNode(tools))
			.addEdge(START, "agent")
			.addConditionalEdges("agent", toolsCondition)
			.addEdge("tools", "agent")
			.compile({ checkpointer });
		const result = await graph.run(
			{ messages: [new HumanMessage("go")] },
			{ threadId: "parallel" },
		);
		await checkpointer.close();
		expect(result.status).toBe("done");
		expect(events.slice(0, 2).sort()).toEqual(["start first", "start second"]);
		const answers = result.values.messages.filter((m) =>
			ToolMessage.isInstance(m),
		) as ToolMessage[];
		// one ToolMessage per call, in the calls' order, each with its call's id
		expect(answers.map((m) => [m.tool_call_id, m.content, m.status])).toEqual([
			["c1", "first:a", "success"],
			["c2", "second:b", "success"],
		]);
		// the model was bound to the tools and got the system prompt
		expect(model.calls[0]!.tools).toEqual(["first", "second"]);
		expect(model.calls[0]!.messages[0]!.getType()).toBe("system");
		expect(result.values.messages.at(-1)!.content).toBe("both answered");
	});

	it("toolNode validates arguments by the tool's schema; an invalid, unknown, malformed or throwing call becomes an error ToolMessage and the run goes on", async () => {
		const ran: string[] = [];
		const add = tool(
			async ({ a, b }) => {
				ran.push(`add ${a} ${b}`);
				return String(a + b);
			},
			{
				name: "add",
				description: "adds",
				schema: z.object({ a: z.number(), b: z.number() }),
			},
		);
		const broken = tool(
			async () => {
				ran.push("broken");
				throw new Error("the service is down");
			},
			{ name: "broken", description: "fails", schema: z.object({}) },
		);
		const model = new ScriptedChatModel([
			{
				toolCalls: [
					{ name: "add", args: { a: "one", b: 2 }, id: "bad" },
					{ name: "broken", args: {}, id: "throws" },
					{ name: "nope", args: {}, id: "unknown" },
					{ name: "add", args: { a: 1, b: 2 }, id: "good" },
				],
				malformedToolCalls: [{ name: "add", args: "{a: 1", id: "malformed" }],
			},
			"carried on",
		]);
		const checkpointer = sqlite();
		const graph = new StateGraph(State)
			.addNode("agent", llmNode({ model, tools: [add, broken] }))
			.addNode("tools", toolNode([add, broken]))
			.addEdge(START, "agent")
			.addConditionalEdges("agent", toolsCondition)
			.addEdge("tools", "agent")
			.compile({ checkpointer });
		const result = await graph.run(
			{ messages: [new HumanMessage("go")] },
			{ threadId: "errors" },
		);
		await checkpointer.close();
		expect(result.status).toBe("done");
		const answers = new Map(
			(
				result.values.messages.filter((m) =>
					ToolMessage.isInstance(m),
				) as ToolMessage[]
			).map((m) => [m.tool_call_id, m]),
		);
		expect([...answers.keys()].sort()).toEqual(
			["bad", "good", "malformed", "throws", "unknown"].sort(),
		);
		for (const id of ["bad", "throws", "unknown", "malformed"])
			expect(answers.get(id)!.status, id).toBe("error");
		expect(answers.get("good")).toMatchObject({
			status: "success",
			content: "3",
		});
		expect(String(answers.get("bad")!.content)).toMatch(/a/);
		expect(String(answers.get("throws")!.content)).toContain(
			"the service is down",
		);
		expect(String(answers.get("unknown")!.content)).toContain("nope");
		// the invalid call never reached the tool; the valid ones ran once
		expect(ran.sort()).toEqual(["add 1 2", "broken"]);
		// the model saw the errors and answered
		expect(model.calls).toHaveLength(2);
		expect(result.values.messages.at(-1)!.content).toBe("carried on");
	});

	it("toolsCondition: 'tools' when the last AI message has tool calls, END otherwise", () => {
		const asking = new AIMessage({
			content: "",
			tool_calls: [{ name: "add", args: {}, id: "x", type: "tool_call" }],
		});
		expect(toolsCondition({ messages: [new HumanMessage("hi"), asking] })).toBe(
			"tools",
		);
		expect(
			toolsCondition({
				messages: [new HumanMessage("hi"), new AIMessage("ok")],
			}),
		).toBe(END);
		expect(
			toolsCondition({
				messages: [
					asking,
					new ToolMessage({ content: "1", tool_call_id: "x", name: "add" }),
				],
			}),
		).toBe(END);
	});

	it("messages() appends, replaces by id and removes on RemoveMessage, in a node and through updateState, kept in the file", async () => {
		const path = join(dir, "messages.db");
		const build = (checkpointer: SqliteCheckpointer) =>
			new StateGraph(State)
				.addNode("edit", (s) =>
					s.messages.length === 1
						? {
								messages: [
									new AIMessage({ id: "a1", content: "first answer" }),
								],
							}
						: {
								messages: [
									new AIMessage({ id: "a1", content: "second answer" }),
									new RemoveMessage({ id: "h2" }),
									new AIMessage({ id: "a2", content: "appended" }),
								],
							},
				)
				.addEdge(START, "edit")
				.compile({ checkpointer });
		const cp = new SqliteCheckpointer({ path });
		const graph = build(cp);
		const ids = (list: readonly BaseMessage[]) =>
			list.map((m) => `${m.id}:${String(m.content)}`);
		const one = await graph.invoke(
			{ messages: [new HumanMessage({ id: "h1", content: "hello" })] },
			{ threadId: "m" },
		);
		expect(ids(one.messages)).toEqual(["h1:hello", "a1:first answer"]);
		const two = await graph.invoke(
			{ messages: [new HumanMessage({ id: "h2", content: "again" })] },
			{ threadId: "m" },
		);
		// a1 replaced in place, h2 removed, a2 appended
		expect(ids(two.messages)).toEqual([
			"h1:hello",
			"a1:second answer",
			"a2:appended",
		]);
		// from outside: replace, remove, append
		await graph.updateState(
			{ threadId: "m" },
			{
				messages: [
					new HumanMessage({ id: "h1", content: "hello, edited" }),
					new RemoveMessage({ id: "a2" }),
					new HumanMessage({ id: "h3", content: "added from outside" }),
				],
			},
		);
		await cp.close();
		// another checkpointer on the same file reads what was written
		const cp2 = new SqliteCheckpointer({ path });
		const state = await build(cp2).getState({ threadId: "m" });
		await cp2.close();
		expect(ids(state.values.messages)).toEqual([
			"h1:hello, edited",
			"a1:second answer",
			"h3:added from outside",
		]);
		expect(HumanMessage.isInstance(state.values.messages[0])).toBe(true);
		expect(AIMessage.isInstance(state.values.messages[1])).toBe(true);
	});

	it("llmNode streams tokens as message events and run().usage sums the run's calls by model and node", async () => {
		const add = tool(async ({ a, b }) => String(a + b), {
			name: "add",
			description: "adds",
			schema: z.object({ a: z.number(), b: z.number() }),
		});
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [
				{
					toolCalls: [{ name: "add", args: { a: 1, b: 2 }, id: "c1" }],
					usage: { input: 100, output: 10 },
				},
				{
					content: "The answer is 3.",
					chunks: ["The ", "answer ", "is ", "3."],
					usage: { input: 120, output: 5 },
				},
			],
		});
		const checkpointer = sqlite();
		const graph = new StateGraph(State)
			.addNode("agent", llmNode({ model, tools: [add] }))
			.addNode("tools", toolNode([add]))
			.addEdge(START, "agent")
			.addConditionalEdges("agent", toolsCondition)
			.addEdge("tools", "agent")
			.compile({ checkpointer });
		const tokens: string[] = [];
		const nodes = new Set<string>();
		let usage: unknown;
		for await (const ev of graph.stream(
			{ messages: [new HumanMessage("1+2?")] },
			{ threadId: "stream", mode: "messages" },
		)) {
			if (ev.type === "message") {
				nodes.add(ev.node);
				tokens.push(String((ev.chunk as { content: unknown }).content));
			}
			if (ev.type === "end") usage = ev.result.usage;
		}
		expect(model.calls.map((c) => c.streamed)).toEqual([true, true]);
		expect(tokens.join("")).toBe("The answer is 3.");
		expect(tokens.filter((t) => t !== "").length).toBeGreaterThan(1);
		expect([...nodes]).toEqual(["agent"]);
		expect(usage).toMatchObject({
			inputTokens: 220,
			outputTokens: 15,
			totalTokens: 235,
			byModel: {
				"gpt-test": { inputTokens: 220, outputTokens: 15, totalTokens: 235 },
			},
			byNode: {
				agent: { inputTokens: 220, outputTokens: 15, totalTokens: 235 },
			},
		});
		expect((usage as { costUsd?: number }).costUsd).toBeUndefined();
		// run() without a stream consumer invokes the model and reports the same usage
		const quiet = new ScriptedChatModel({
			model: "gpt-test",
			replies: [{ content: "hi", usage: { input: 7, output: 3 } }],
		});
		const plain = await new StateGraph(State)
			.addNode("agent", llmNode({ model: quiet }))
			.addEdge(START, "agent")
			.compile()
			.run({ messages: [new HumanMessage("hi")] });
		expect(quiet.calls[0]!.streamed).toBe(false);
		expect(plain.usage).toMatchObject({
			inputTokens: 7,
			outputTokens: 3,
			totalTokens: 10,
		});
		await checkpointer.close();
	});

	it("a resumed run's usage is its own calls; getUsage sums the thread over both runs", async () => {
		const sendEmail = tool(async ({ to }) => `sent to ${to}`, {
			name: "send_email",
			description: "sends",
			schema: z.object({ to: z.string().email() }),
		});
		const model = new ScriptedChatModel({
			model: "gpt-test",
			replies: [
				{
					toolCalls: [
						{ name: "send_email", args: { to: "bob@example.com" }, id: "m1" },
					],
					usage: { input: 100, output: 10 },
				},
				{ content: "sent", usage: { input: 50, output: 5 } },
			],
		});
		const checkpointer = sqlite();
		const agent = createAgent({
			model,
			tools: [sendEmail],
			checkpointer,
			approve: ["send_email"],
			system: "You send mail.",
		});
		const paused = await agent.run(
			{ messages: [new HumanMessage("mail bob")] },
			{ threadId: "usage" },
		);
		expect(paused.usage).toMatchObject({ inputTokens: 100, outputTokens: 10 });
		const done = await agent.run(
			new Command({ resume: { action: "approve" } }),
			{ threadId: "usage" },
		);
		expect(done.usage).toMatchObject({
			inputTokens: 50,
			outputTokens: 5,
			totalTokens: 55,
			byNode: { agent: { inputTokens: 50 } },
		});
		expect(await agent.getUsage({ threadId: "usage" })).toMatchObject({
			inputTokens: 150,
			outputTokens: 15,
			totalTokens: 165,
			byModel: { "gpt-test": { inputTokens: 150 } },
			byNode: { agent: { inputTokens: 150 } },
		});
		await checkpointer.close();
	});

	it("a resume value that fails the response schema (in process): ValidationError, still interrupted", async () => {
		const sendEmail = tool(async ({ to }) => `sent to ${to}`, {
			name: "send_email",
			description: "sends",
			schema: z.object({ to: z.string().email() }),
		});
		const model = new ScriptedChatModel([
			{
				toolCalls: [{ name: "send_email", args: { to: "b@example.com" } }],
			},
			"ok",
		]);
		const checkpointer = sqlite();
		const agent = createAgent({
			model,
			tools: [sendEmail],
			checkpointer,
			approve: ["send_email"],
		});
		await agent.run({ messages: [new HumanMessage("x")] }, { threadId: "v" });
		const error = await agent
			.run(new Command({ resume: { action: "nope" } }), { threadId: "v" })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ValidationError);
		expect((await agent.getState({ threadId: "v" })).interrupts).toHaveLength(
			1,
		);
		expect(model.calls).toHaveLength(1);
		await checkpointer.close();
	});
});
