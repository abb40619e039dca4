import { isWeftError, MemoryCheckpointer } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { review } from "./fixtures/graphs.ts";

describe("serve() on a port it cannot listen on", () => {
	it("rejects with CONFIG_INVALID naming the port (the system error as cause) instead of crashing", async () => {
		const first = await serve({
			graphs: { review },
			checkpointer: new MemoryCheckpointer(),
			port: 0,
		});
		try {
			const second = serve({
				graphs: { review },
				checkpointer: new MemoryCheckpointer(),
				port: first.port,
			});
			const error = await second.then(
				() => undefined,
				(e: unknown) => e,
			);
			expect(isWeftError(error, "CONFIG_INVALID")).toBe(true);
			const e = error as Error & { hint?: string; cause?: { code?: string } };
			expect(e.message).toBe(
				`port ${first.port} is in use (127.0.0.1:${first.port})`,
			);
			expect(e.hint).toMatch(/another port \(0: any free one\)/);
			expect(e.cause?.code).toBe("EADDRINUSE");
			// the first server is untouched
			const res = await fetch(`http://127.0.0.1:${first.port}/ok`);
			expect(res.status).toBe(200);
		} finally {
			await first.close();
		}
	});
});
