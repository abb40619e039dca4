// Issue 13: a span per node attempt under the node's span, the error on the attempt that failed, the backoff.
import { SpanStatusCode } from "@opentelemetry/api";
import { END, MemoryCheckpointer, START, StateGraph } from "@weft/graph";
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
import { one, parentOf, startOtel } from "./otel-harness.ts";

let otel: ReturnType<typeof startOtel>;
beforeAll(() => {
	otel = startOtel();
});
afterAll(() => otel.stop());
afterEach(() => otel.reset());

function flaky(failures: number, retry: { maxAttempts: number }) {
	let calls = 0;
	return new StateGraph(z.object({ n: z.number() }))
		.addNode(
			"flaky",
			() => {
				if (++calls <= failures) throw new TypeError(`flake ${calls}`);
				return { n: calls };
			},
			{ retry: { ...retry, initialDelayMs: 5, jitter: false } },
		)
		.addEdge(START, "flaky")
		.addEdge("flaky", END)
		.compile({ checkpointer: new MemoryCheckpointer(), name: "g" });
}

describe("attempt spans", () => {
	it("one span per attempt under the node span; the failed ones carry their error", async () => {
		const r = await flaky(2, { maxAttempts: 3 }).run(
			{ n: 0 },
			{ threadId: "a1" },
		);
		expect(r.status).toBe("done");
		const spans = otel.spans();
		const node = one(spans, "weft.node flaky");
		expect(node.status.code).toBe(SpanStatusCode.OK);
		expect(node.attributes["weft.attempts"]).toBe(3);
		const attempts = spans
			.filter((s) => s.name === "weft.attempt flaky")
			.sort(
				(a, b) =>
					Number(a.attributes["weft.attempt"]) -
					Number(b.attributes["weft.attempt"]),
			);
		expect(attempts.map((s) => s.attributes["weft.attempt"])).toEqual([
			1, 2, 3,
		]);
		for (const a of attempts) {
			expect(parentOf(a)).toBe(node.spanContext().spanId);
			expect(a.attributes["weft.node"]).toBe("flaky");
		}
		expect(attempts.map((s) => s.status.code)).toEqual([
			SpanStatusCode.ERROR,
			SpanStatusCode.ERROR,
			SpanStatusCode.OK,
		]);
		expect(attempts[0]!.attributes["error.type"]).toBe("TypeError");
		// a plain Error: the same code as on a node span (NODE_FAILED), one helper for both
		expect(attempts[0]!.attributes["weft.error.code"]).toBe("NODE_FAILED");
		expect(attempts[2]!.attributes["weft.error.code"]).toBeUndefined();
		expect(attempts[0]!.status.message).toBe("flake 1");
		expect(attempts[0]!.events.map((e) => e.name)).toEqual(["exception"]);
		// the backoff: an event per retry with its delay (5 ms, then 10 ms), between the attempts
		const retries = node.events.filter((e) => e.name === "weft.node.retry");
		expect(retries.map((e) => e.attributes?.["weft.retry.delay_ms"])).toEqual([
			5, 10,
		]);
		expect(retries.map((e) => e.attributes?.["weft.attempt"])).toEqual([1, 2]);
	});

	it("the last attempt's error is on both it and the node", async () => {
		const r = await flaky(5, { maxAttempts: 2 })
			.run({ n: 0 }, { threadId: "a2" })
			.catch((e: unknown) => e);
		expect(r).toBeInstanceOf(Error);
		const spans = otel.spans();
		const node = one(spans, "weft.node flaky");
		expect(node.status.code).toBe(SpanStatusCode.ERROR);
		const attempts = spans.filter((s) => s.name === "weft.attempt flaky");
		expect(attempts).toHaveLength(2);
		expect(attempts.every((s) => s.status.code === SpanStatusCode.ERROR)).toBe(
			true,
		);
	});

	it("an attempt failing with a WeftError keeps its code (a timeout: NODE_TIMEOUT)", async () => {
		let calls = 0;
		const graph = new StateGraph(z.object({ n: z.number() }))
			.addNode(
				"slow",
				async (_s, ctx) => {
					if (++calls === 1)
						await new Promise((r) => {
							ctx.signal.addEventListener("abort", r);
						});
					return { n: calls };
				},
				{
					timeoutMs: 5,
					retry: { maxAttempts: 2, initialDelayMs: 1, jitter: false },
				},
			)
			.addEdge(START, "slow")
			.addEdge("slow", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "t" });
		const r = await graph.run({ n: 0 }, { threadId: "a4" });
		expect(r.status).toBe("done");
		const first = otel
			.spans()
			.find(
				(s) =>
					s.name === "weft.attempt slow" && s.attributes["weft.attempt"] === 1,
			);
		expect(first?.attributes).toMatchObject({
			"weft.error.code": "NODE_TIMEOUT",
			"error.type": "NODE_TIMEOUT",
		});
	});

	it("an attempt stopped by the run's cancellation: RUN_CANCELLED, as its node span", async () => {
		const stop = new AbortController();
		const graph = new StateGraph(z.object({ n: z.number() }))
			.addNode(
				"wait",
				async (_s, ctx) => {
					stop.abort();
					await new Promise((_r, reject) => {
						if (ctx.signal.aborted) reject(ctx.signal.reason);
						ctx.signal.addEventListener("abort", () =>
							reject(ctx.signal.reason),
						);
					});
					return { n: 1 };
				},
				{ retry: { maxAttempts: 3, initialDelayMs: 1, jitter: false } },
			)
			.addEdge(START, "wait")
			.addEdge("wait", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "c" });
		const r = await graph.run(
			{ n: 0 },
			{ threadId: "a5", signal: stop.signal },
		);
		expect(r.status).toBe("cancelled");
		const attempt = await vi.waitFor(() =>
			one(otel.spans(), "weft.attempt wait"),
		);
		expect(attempt.attributes).toMatchObject({
			"error.type": "AbortError",
			"weft.error.code": "RUN_CANCELLED",
		});
		const node = await vi.waitFor(() => one(otel.spans(), "weft.node wait"));
		expect(node.attributes["weft.error.code"]).toBe("RUN_CANCELLED");
	});

	it("a node without a retry policy has no attempt spans", async () => {
		const graph = new StateGraph(z.object({ n: z.number() }))
			.addNode("plain", () => ({ n: 1 }))
			.addEdge(START, "plain")
			.addEdge("plain", END)
			.compile({ checkpointer: new MemoryCheckpointer(), name: "p" });
		await graph.run({ n: 0 }, { threadId: "a3" });
		const spans = otel.spans();
		one(spans, "weft.node plain");
		expect(spans.some((s) => s.name.startsWith("weft.attempt"))).toBe(false);
	});
});
