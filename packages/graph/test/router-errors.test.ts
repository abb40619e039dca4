import { isWeftError, NodeError, START, StateGraph } from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({ n: z.number().default(0) });

const withRouter = (router: () => unknown) =>
	new StateGraph(S)
		.addNode("a", (s) => ({ n: s.n + 1 }))
		.addNode("b", (s) => ({ n: s.n + 10 }))
		.addEdge(START, "a")
		.addConditionalEdges("a", router as never, ["b"])
		.compile();

describe("a router's failures are typed", () => {
	it("a router that throws fails the run with the node's NodeError naming its router", async () => {
		for (const router of [
			() => {
				throw new Error("router broke");
			},
			async () => {
				throw new Error("router broke");
			},
		]) {
			const error = await withRouter(router)
				.invoke({})
				.catch((e: unknown) => e);
			expect(error).toBeInstanceOf(NodeError);
			expect(isWeftError(error, "NODE_FAILED")).toBe(true);
			expect((error as NodeError).node).toBe("a");
			expect((error as Error).message).toBe(
				'the router of node "a" failed: router broke',
			);
			expect((error as { hint?: string }).hint).toMatch(/addConditionalEdges/);
		}
	});

	it("a router that returns nothing (undefined, null) is refused; an empty array goes nowhere", async () => {
		for (const none of [undefined, null]) {
			for (const router of [() => none, async () => none]) {
				const error = await withRouter(router)
					.invoke({})
					.catch((e: unknown) => e);
				expect(isWeftError(error, "UNKNOWN_NODE")).toBe(true);
				expect((error as Error).message).toBe(
					`the router of node "a" returned ${none}`,
				);
			}
		}
		expect((await withRouter(() => []).invoke({})).n).toBe(1);
		expect((await withRouter(() => "b").invoke({})).n).toBe(11);
	});
});
