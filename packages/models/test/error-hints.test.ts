import type { BaseMessage } from "@langchain/core/messages";
import { ScriptedChatModel } from "@weft/graph/llm";
import {
	blockedTopicsGuard,
	GuardrailError,
	ModelError,
	ModelRouter,
	NoRouteError,
	piiGuard,
} from "@weft/models";
import { describe, expect, it } from "vitest";
import { FakeModel } from "./fake-model.ts";

const ok = () => new FakeModel("m", [{ content: "one two three" }]);
const hinted = { hint: expect.any(String) };

/** Fails with a reset connection after its first chunk. */
class MidStreamReset extends ScriptedChatModel {
	override async *_streamResponseChunks(
		messages: BaseMessage[],
		options: this["ParsedCallOptions"],
	) {
		let i = 0;
		for await (const c of super._streamResponseChunks(messages, options)) {
			if (i++ === 1)
				throw Object.assign(new Error("socket hang up"), {
					code: "ECONNRESET",
				});
			yield c;
		}
	}
}

describe("every error out of the router is typed and says what to do", () => {
	it("a GuardrailError carries a hint", async () => {
		const r = new ModelRouter({
			models: { m: ok() },
			guards: [piiGuard({ action: "block" })],
		});
		const error = await r.invoke("mail me: jane@example.com").catch((e) => e);
		expect(error).toBeInstanceOf(GuardrailError);
		expect(error).toMatchObject(hinted);
	});

	it("a route() function that throws is a NoRouteError naming it", async () => {
		const r = new ModelRouter({
			models: { m: ok() },
			route: () => {
				throw "route-bug";
			},
		});
		const error = await r.invoke("q").catch((e) => e);
		expect(error).toBeInstanceOf(NoRouteError);
		expect(error.message).toContain("route()");
		expect(error.message).toContain("route-bug");
		expect(error).toMatchObject(hinted);
	});

	it("a failing classifier blocks the call with a ModelError naming the guard, a throwing custom guard with a GuardrailError naming it", async () => {
		const classifier = new FakeModel("c", [{ fail: { status: 500 } }]);
		const answerer = ok();
		const topics = new ModelRouter({
			models: { m: answerer },
			retry: { maxRetries: 0 },
			guards: [blockedTopicsGuard({ classifier, topics: ["politics"] })],
		});
		const e1 = await topics.invoke("q").catch((e) => e);
		// a model's failure, not blocked content (decision 0228)
		expect(e1).toBeInstanceOf(ModelError);
		expect(e1).toMatchObject({
			code: "MODEL_UNAVAILABLE",
			message: expect.stringContaining('guard "blocked-topics"'),
			...hinted,
		});
		expect(answerer.calls).toHaveLength(0);
		const custom = new ModelRouter({
			models: { m: ok() },
			guards: [
				{
					name: "mine",
					stages: ["input"],
					action: "block",
					check: () => {
						throw { reason: "bug" };
					},
				},
			],
		});
		const e2 = await custom.invoke("q").catch((e) => e);
		expect(e2).toBeInstanceOf(GuardrailError);
		expect(e2.message).toContain('"mine"');
		expect(e2.message).toContain('{"reason":"bug"}');
		// a check that answers no verdict cannot decide either: blocked, naming the guard (outside audit)
		for (const answer of [undefined, null, 1, { ok: "yes" }, { ok: false }]) {
			const odd = new ModelRouter({
				models: { m: ok() },
				guards: [
					{
						name: "odd",
						stages: ["input"],
						action: "block",
						check: () => answer as never,
					},
				],
			});
			const e3 = await odd.invoke("q").catch((e) => e);
			expect(e3).toBeInstanceOf(GuardrailError);
			expect(e3.message).toContain('guard "odd" failed');
			expect(e3.hint).toEqual(expect.any(String));
		}
	});

	it("a network error after the first streamed chunk is a ModelError, not NODE_FAILED", async () => {
		const r = new ModelRouter({
			models: { mf: new MidStreamReset([{ content: "one two three" }]) },
			retry: { maxRetries: 0 },
		});
		const got: unknown[] = [];
		const error = await (async () => {
			for await (const c of await r.stream("q")) got.push(c.content);
		})().catch((e) => e);
		expect(got).toEqual(["one "]);
		// what arrived before the break was paid for: counted (outside audit, 2 Dec)
		expect(r.usage.totals().calls).toBe(1);
		expect(error).toBeInstanceOf(ModelError);
		expect(error).toMatchObject({
			code: "MODEL_UNAVAILABLE",
			model: "mf",
			attempts: [expect.objectContaining({ kind: "network" })],
			...hinted,
		});
	});

	it("a thrown non-Error gets a readable message, not [object Object]", async () => {
		class Throws extends ScriptedChatModel {
			override async _generate(): Promise<never> {
				throw { status: "weird" };
			}
		}
		const r = new ModelRouter({
			models: { t: new Throws(["x"]) },
			retry: { maxRetries: 0 },
		});
		const error = await r.invoke("q").catch((e) => e);
		expect(error.message).not.toContain("[object Object]");
		expect(error).toMatchObject(hinted);
	});
});
