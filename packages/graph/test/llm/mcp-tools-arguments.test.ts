// Outside check (7 Dec): an MCP tool called with arguments its schema refuses failed with @langchain/core's
// untyped ToolInputParsingException, where every other failure of a loaded tool is a WeftError.
import { isWeftError, type ValidationError } from "@weft/graph";
import { loadMcpTools } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { SERVER } from "./mcp/start-server.ts";

describe("loadMcpTools: arguments that do not fit a tool's schema", () => {
	it("fail the call VALIDATION_FAILED, naming the tool, its server and the schema paths, with a hint", async () => {
		await using mcp = await loadMcpTools({
			calc: { command: process.execPath, args: [SERVER] },
		});
		const add = mcp.tools.find((t) => t.name === "add")!;
		for (const input of [
			{ a: "x" },
			{ name: "add", args: { a: "x" }, id: "c1", type: "tool_call" },
		]) {
			const error = await add.invoke(input as never).then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(isWeftError(error, "VALIDATION_FAILED")).toBe(true);
			const refused = error as ValidationError;
			expect(refused.message).toContain(
				'the arguments of MCP tool "add" (server "calc") do not fit its input schema',
			);
			expect(refused.message).toContain(
				'#/properties/a/type: Instance type "string" is invalid. Expected "number".',
			);
			expect(refused.hint).toContain("nothing was sent to the server");
			expect(refused.issues.map((i) => i.path)).toEqual(
				expect.arrayContaining([["a"], ["b"]]),
			);
		}
		// the tool still answers arguments that fit
		expect(await add.invoke({ a: 2, b: 3 })).toBe("5");
	});
});
