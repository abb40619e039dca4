// Outside check (6 Dec): `--graph x_resume=… --graph x=…` was refused with a hint naming "x_resume_resume".
import { describe, expect, it } from "vitest";
import { toolRoutes } from "../src/commands/mcp.ts";

describe("weft mcp's tool names", () => {
	it("refuses a graph named after another's resume tool, naming both right, in either order", () => {
		for (const names of [
			["x_resume", "x"],
			["x", "x_resume"],
		]) {
			let error: unknown;
			try {
				toolRoutes(names);
			} catch (e) {
				error = e;
			}
			expect((error as { code: string }).code).toBe("CONFIG_INVALID");
			expect((error as { hint: string }).hint).toContain(
				'no graph may be named "x_resume" beside "x"',
			);
		}
		expect([...toolRoutes(["a", "b"]).keys()]).toEqual([
			"a",
			"a_resume",
			"b",
			"b_resume",
		]);
	});
});
