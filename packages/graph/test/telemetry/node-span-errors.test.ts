// What a node span says about a task that failed or was cancelled: its step and run call a node's plain
// Error NODE_FAILED, so its span does too; a cancelled task's exception is typed by the error's name,
// not the DOMException's numeric code, and its code is RUN_CANCELLED.
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { HumanMessage } from "@langchain/core/messages";
import { SpanStatusCode } from "@opentelemetry/api";
import { END, MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { createAgent, ScriptedChatModel } from "@weft/graph/llm";
import {
	afterAll,
	afterEach,
	beforeAll,
	describe,
	expect,
	it,
	vi,
} from "vitest";
import { z } from "zod";
import { one, startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());
afterEach(() => otel.reset());

const State = z.object({ n: z.number() });

function failing(error: () => unknown, name = "f") {
	return new StateGraph(State)
		.addNode("boom", () => {
			throw error();
		})
		.addEdge(START, "boom")
		.addEdge("boom", END)
		.compile({ checkpointer: new MemoryCheckpointer(), name });
}

/** A graph whose node cancels the run, then waits for its signal (rejecting with the signal's reason). */
function cancelling(stop: AbortController) {
	return new StateGraph(State)
		.addNode("wait", async (_s, ctx) => {
			stop.abort(); // no reason: the signal's reason is a DOMException AbortError (code 20)
			await new Promise((_r, reject) => {
				if (ctx.signal.aborted) reject(ctx.signal.reason);
				ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
			});
			return { n: 1 };
		})
		.addEdge(START, "wait")
		.addEdge("wait", END)
		.compile({ checkpointer: new MemoryCheckpointer(), name: "c" });
}

const exceptionOf = (span: {
	events: { name: string; attributes?: object }[];
}) =>
	span.events.find((e) => e.name === "exception")?.attributes as
		| Record<string, unknown>
		| undefined;

describe("the span of a node that failed", () => {
	it("a plain Error: weft.error.code NODE_FAILED, as on its step and run; error.type its class", async () => {
		await expect(
			failing(() => new TypeError("bad")).run({ n: 0 }, { threadId: "e1" }),
		).rejects.toThrow();
		const spans = otel.spans();
		const node = one(spans, "weft.node boom");
		expect(node.status.code).toBe(SpanStatusCode.ERROR);
		expect(node.attributes).toMatchObject({
			"weft.error.code": "NODE_FAILED",
			"error.type": "TypeError",
		});
		expect(exceptionOf(node)).toMatchObject({
			"exception.type": "TypeError",
			"exception.message": "bad",
		});
		expect(one(spans, "weft.step").attributes["weft.error.code"]).toBe(
			"NODE_FAILED",
		);
		expect(one(spans, "weft.run f").attributes["weft.error.code"]).toBe(
			"NODE_FAILED",
		);
	});

	it("a value that is not an Error: NODE_FAILED too", async () => {
		await expect(
			failing(() => "a string").run({ n: 0 }, { threadId: "e2" }),
		).rejects.toThrow();
		const node = one(otel.spans(), "weft.node boom");
		expect(node.attributes["weft.error.code"]).toBe("NODE_FAILED");
	});

	// found from outside (6 Dec): a thrown string, null or plain object left the node span without the
	// `exception` event its step and run spans have, and a plain object read "[object Object]"
	it.each([
		["a string", () => "plain", "plain"],
		["null", () => null, "null"],
		["an object with a message", () => ({ message: "m" }), "m"],
		["another object", () => ({ status: 503 }), '{"status":503}'],
	])(
		"%s thrown: an exception event saying what was thrown",
		async (_what, thrown, message) => {
			await expect(
				failing(thrown).run({ n: 0 }, { threadId: "e2b" }),
			).rejects.toThrow(`failed: ${message}`);
			const node = one(otel.spans(), "weft.node boom");
			expect(exceptionOf(node)).toMatchObject({
				"exception.type": "Error",
				"exception.message": message,
			});
		},
	);

	it("a node that timed out: NODE_TIMEOUT", async () => {
		const graph = new StateGraph(State)
			.addNode(
				"slow",
				async (_s, ctx) => {
					await new Promise((r) => {
						ctx.signal.addEventListener("abort", r);
					});
					return { n: 1 };
				},
				{ timeoutMs: 1 },
			)
			.addEdge(START, "slow")
			.addEdge("slow", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "t" });
		await expect(graph.run({ n: 0 }, { threadId: "e3" })).rejects.toThrow();
		const node = one(otel.spans(), "weft.node slow");
		expect(node.attributes["weft.error.code"]).toBe("NODE_TIMEOUT");
		expect(exceptionOf(node)?.["exception.type"]).toBe("NODE_TIMEOUT");
	});
});

describe("a cancelled run", () => {
	it("its node span: the exception typed AbortError (not the DOMException's code 20), RUN_CANCELLED", async () => {
		const stop = new AbortController();
		const r = await cancelling(stop).run(
			{ n: 0 },
			{ threadId: "c1", signal: stop.signal },
		);
		expect(r.status).toBe("cancelled");
		const node = await vi.waitFor(() => one(otel.spans(), "weft.node wait"));
		expect(exceptionOf(node)?.["exception.type"]).toBe("AbortError");
		expect(node.attributes).toMatchObject({
			"error.type": "AbortError",
			"weft.error.code": "RUN_CANCELLED",
		});
	});
});

// found from outside (telemetry audit, 5 Dec): a cancelled run returned while the span of a node that had
// not settled yet stayed open (for ever, for a node that ignores its signal), so an app that shuts its
// SDK down right after `run()` lost the span that says what was cancelled
describe("a cancelled run whose node ignores its signal", () => {
	it("has ended the node's span, RUN_CANCELLED, when run() returns; the node's late end adds nothing", async () => {
		const stop = new AbortController();
		let release: () => void = () => {};
		const settled = new Promise<void>((r) => {
			release = r;
		});
		const graph = new StateGraph(State)
			.addNode("deaf", async () => {
				stop.abort();
				await settled;
				return { n: 1 };
			})
			.addEdge(START, "deaf")
			.addEdge("deaf", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "d" });
		const r = await graph.run(
			{ n: 0 },
			{ threadId: "d1", signal: stop.signal },
		);
		expect(r.status).toBe("cancelled");
		const node = one(otel.spans(), "weft.node deaf");
		expect(node.attributes).toMatchObject({
			"weft.error.code": "RUN_CANCELLED",
		});
		expect(node.status.code).toBe(SpanStatusCode.ERROR);
		release();
		await new Promise((r) => setTimeout(r, 20));
		expect(
			otel.spans().filter((s) => s.name === "weft.node deaf"),
		).toHaveLength(1);
		// found from outside (6 Dec): its late end was counted `ok` in weft.node.duration, its result dropped
		const points = await otel.metric("weft.node.duration");
		const deaf = points.filter((p) => p.attributes["weft.graph"] === "d");
		expect(deaf.map((p) => p.attributes)).toEqual([
			expect.objectContaining({
				"weft.node": "deaf",
				"weft.outcome": "error",
				"error.type": "AbortError",
			}),
		]);
	});
});

// found from outside (telemetry audit, 5 Dec): a model call stopped by the run's cancellation had
// `error.type` AbortError but no `weft.error.code`, where its node's and a tool call's spans say RUN_CANCELLED
describe("a model call stopped by the run's cancellation", () => {
	it("its chat span says RUN_CANCELLED, as its node's does", async () => {
		const stop = new AbortController();
		class CancelAtStart extends BaseCallbackHandler {
			name = "cancel-at-start";
			override async handleChatModelStart() {
				stop.abort();
			}
		}
		const agent = createAgent({
			model: new ScriptedChatModel({
				replies: [{ fail: "hang" }],
				model: "m-1",
			}),
			tools: [],
			checkpointer: new MemoryCheckpointer(),
		});
		const r = await agent.run(
			{ messages: [new HumanMessage("hi")] },
			{ threadId: "m1", signal: stop.signal, callbacks: [new CancelAtStart()] },
		);
		expect(r.status).toBe("cancelled");
		const chat = await vi.waitFor(() => one(otel.spans(), "chat m-1"));
		expect(chat.attributes).toMatchObject({
			"error.type": "AbortError",
			"weft.error.code": "RUN_CANCELLED",
		});
	});
});
