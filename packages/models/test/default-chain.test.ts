// Outside check (7 Dec): `defaultChain: []` was taken, and every call no rule matched failed later with
// NO_ROUTE ("empty chain"), far from the mistake.
import { isWeftError } from "@weft/checkpoint";
import { ModelRouter } from "@weft/models";
import { describe, expect, it } from "vitest";
import { FakeModel } from "./fake-model.ts";

const model = () => new FakeModel("m", [{ content: "ok" }]);

describe("defaultChain", () => {
	it("an empty one is refused at construction with CONFIG_INVALID and a hint", () => {
		let error: unknown;
		try {
			new ModelRouter({
				models: { m: model() },
				rules: [{ task: "summarise", use: "m" }],
				defaultChain: [],
			});
		} catch (e) {
			error = e;
		}
		expect(isWeftError(error, "CONFIG_INVALID"), String(error)).toBe(true);
		const e = error as { message: string; hint: string };
		expect(e.message).toContain("defaultChain is empty");
		expect(e.hint).toContain("leave it out");
		expect(e.hint).toContain("m");
	});

	it("one that names models is taken, and so is none (every model)", async () => {
		const named = new ModelRouter({
			models: { m: model() },
			defaultChain: ["m"],
		});
		expect((await named.invoke("hi")).content).toBe("ok");
		const all = new ModelRouter({ models: { m: model() } });
		expect((await all.invoke("hi")).content).toBe("ok");
	});
});
