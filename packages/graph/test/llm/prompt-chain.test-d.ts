import type { InferNodeName, InferState } from "@weft/graph";
import { promptChain, ScriptedChatModel } from "@weft/graph/llm";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";

const model = new ScriptedChatModel([]);

describe("promptChain types", () => {
	it("gives each step the outputs of the steps before it", () => {
		const chain = promptChain({ model, input: z.object({ topic: z.string() }) })
			.step("outline", (s) => {
				expectTypeOf(s).toEqualTypeOf<{ topic: string }>();
				return s.topic;
			})
			.step("facts", (s) => s.outline, {
				output: z.object({ facts: z.array(z.string()) }),
			})
			.step("draft", (s) => {
				expectTypeOf(s.outline).toEqualTypeOf<string>();
				expectTypeOf(s.facts).toEqualTypeOf<{ facts: string[] }>();
				return s.facts.facts.join(", ");
			})
			.compile();
		expectTypeOf<InferNodeName<typeof chain>>().toEqualTypeOf<
			"outline" | "facts" | "draft"
		>();
		expectTypeOf<InferState<typeof chain>>().toEqualTypeOf<{
			topic: string;
			outline?: string | undefined;
			facts?: { facts: string[] } | undefined;
			draft?: string | undefined;
		}>();
	});

	it("does not let a step read a later step's output", () => {
		promptChain({ model, input: z.object({ topic: z.string() }) })
			// @ts-expect-error "draft" is written by a later step
			.step("outline", (s) => s.draft)
			.step("draft", (s) => s.outline);
	});
});
