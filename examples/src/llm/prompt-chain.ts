import {
	type ChatModelLike,
	promptChain,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { z } from "zod";

export function scriptedModel(): ScriptedChatModel {
	return new ScriptedChatModel([
		"1. Where it starts 2. Where it ends 3. Why it matters",
		'{ "facts": ["6,650 km long", "flows north", "ends in a delta on the Mediterranean"] }',
		"The Nile runs 6,650 km north to a delta on the Mediterranean, and Egypt lives along it.",
	]);
}

export async function main(model: ChatModelLike = scriptedModel()) {
	// #region chain
	const Facts = z.object({ facts: z.array(z.string()).min(1) });
	const article = promptChain({
		model,
		input: z.object({ topic: z.string() }),
		system: "You write short, exact prose.",
	})
		.step("outline", (s) => `Outline a three-part paragraph about ${s.topic}.`)
		.step(
			"facts",
			(s) => `List checkable facts for this outline:\n${s.outline}`,
			{ output: Facts },
		)
		.step(
			"paragraph",
			(s) =>
				`Write the paragraph on ${s.topic} using only: ${s.facts.facts.join("; ")}`,
		)
		.compile();
	const result = await article.run({ topic: "the Nile" });
	// result.values: { topic, outline, facts: { facts: [...] }, paragraph }
	// #endregion chain
	return result;
}
