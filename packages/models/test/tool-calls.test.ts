import { tool } from "@langchain/core/tools";
import { ModelRouter, weftMetadata } from "@weft/models";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { FakeModel } from "./fake-model.ts";

const search = tool(async ({ q }) => `results for ${q}`, {
	name: "search",
	description: "web search",
	schema: z.object({ q: z.string() }),
});

describe("tools through the router", () => {
	it("binds the tools (and tool_choice) on whichever model the route picks", async () => {
		const a = new FakeModel("a", [{ fail: { status: 500 } }]);
		const b = new FakeModel("b", [
			{ toolCalls: [{ name: "search", args: { q: "weft" }, id: "c1" }] },
		]);
		const router = new ModelRouter({
			models: { a, b },
			retry: { maxRetries: 0 },
		});
		const out = await router
			.bindTools([search], { tool_choice: "search" })
			.invoke("find weft");
		expect(out.tool_calls).toEqual([
			expect.objectContaining({
				name: "search",
				args: { q: "weft" },
				id: "c1",
			}),
		]);
		for (const m of [a, b]) {
			expect(m.calls[0]!.options.tools).toEqual([search]);
			expect(m.calls[0]!.options.tool_choice).toBe("search");
		}
	});

	it("passes malformed tool arguments through as invalid_tool_calls, untouched", async () => {
		const model = new FakeModel("m", [
			{
				rawToolCalls: [{ name: "search", args: "{q: unquoted}", id: "bad1" }],
			},
		]);
		const out = await new ModelRouter({ models: { model } })
			.bindTools([search])
			.invoke("x");
		expect(out.tool_calls).toEqual([]);
		expect(out.invalid_tool_calls).toEqual([
			expect.objectContaining({
				name: "search",
				args: "{q: unquoted}",
				id: "bad1",
			}),
		]);
		expect(weftMetadata(out)!.model).toBe("model");
	});

	it("supports withStructuredOutput (tool-calling mode)", async () => {
		const model = new FakeModel("m", [
			{ toolCalls: [{ name: "Person", args: { name: "Ada" } }] },
		]);
		const structured = new ModelRouter({
			models: { model },
		}).withStructuredOutput(z.object({ name: z.string() }), { name: "Person" });
		expect(await structured.invoke("who")).toEqual({ name: "Ada" });
	});

	it("skips models that cannot bind tools when tools are bound", async () => {
		const plain = new FakeModel("plain", [{ content: "no tools here" }]);
		Object.defineProperty(plain, "bindTools", { value: undefined });
		const capable = new FakeModel("capable", [{ content: "I can" }]);
		const out = await new ModelRouter({ models: { plain, capable } })
			.bindTools([search])
			.invoke("x");
		expect(weftMetadata(out)!.model).toBe("capable");
		expect(plain.calls).toHaveLength(0);
	});
});
