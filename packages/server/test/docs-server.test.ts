// docs/server.md's code, run as written: serve() with bearer tokens from the environment, and the
// LangGraph SDK client that starts a run, reads its interrupt and resumes it.
import { describe, expect, it } from "vitest";

describe("docs/server.md, from code", () => {
	it("serves a graph that the LangGraph client runs, pauses and resumes", async () => {
		process.env.WEFT_API_TOKENS = "alice:docs-secret";
		process.env.WEFT_TOKEN = "docs-secret";
		process.env.PORT = "0";
		try {
			const { result } = (await import("./fixtures/docs-server.ts")) as {
				result: {
					paused: Record<string, unknown>;
					done: Record<string, unknown>;
				};
			};
			expect(result.paused.__interrupt__).toEqual([
				expect.objectContaining({ value: "publish the post on tea?" }),
			]);
			expect(result.done.verdict).toBe("yes");
		} finally {
			delete process.env.WEFT_API_TOKENS;
			delete process.env.WEFT_TOKEN;
			delete process.env.PORT;
		}
	});
});
