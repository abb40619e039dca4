import { describe, expect, it } from "vitest";
import { main } from "./balancing.ts";

describe("balancing example runs offline", () => {
	it("spreads by weight, opens the failing deployment's circuit, keeps a thread on one deployment", async () => {
		const out = await main();
		expect(out.westeuCalls).toBe(2); // the failure threshold, then nothing
		expect(out.deployments.every((d) => d === "eastus" || d === "openai")).toBe(
			true,
		);
		expect(out.last).toEqual({
			deployment: expect.any(String),
			strategy: "weighted-round-robin",
			reason: "weighted round-robin over eastus: weight 2, openai: weight 1",
		});
		expect(out.status.map((d) => [d.name, d.circuit])).toEqual([
			["eastus", "closed"],
			["westeu", "open"],
			["openai", "closed"],
		]);
		expect(out.events).toContain("circuit");
		expect(out.sticky[1]?.deployment).toBe(out.sticky[0]?.deployment);
		expect(out.sticky[1]?.reason).toMatch(/^sticky: thread "t1" stays on /);
	});
});
