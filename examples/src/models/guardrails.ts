// Guardrails: PII redaction on the way in, JSON output checked against a zod schema with one repair.
import { ScriptedChatModel } from "@weft/graph/llm";
import {
	GuardrailError,
	type ModelEvent,
	ModelRouter,
	maxLengthGuard,
	piiGuard,
	structuredOutputGuard,
} from "@weft/models";
import { z } from "zod";

export async function main() {
	const events: ModelEvent[] = [];
	// #region guards
	const llm = new ScriptedChatModel([
		'{"name": "Jane", "plan": 3}', // wrong type: the guard asks once more
		'{"name": "Jane", "plan": "pro"}',
	]);
	const model = new ModelRouter({
		models: { llm },
		guards: [
			piiGuard(), // redacts e-mails, phone and card numbers before the model sees them
			maxLengthGuard({ maxChars: 2000 }),
			structuredOutputGuard({
				schema: z.object({ name: z.string(), plan: z.enum(["free", "pro"]) }),
			}),
		],
		onEvent: (e) => events.push(e),
	});
	const answer = await model.invoke(
		"I'm jane@example.com, card 4111 1111 1111 1111. Which plan am I on? Reply in JSON.",
	);
	const seen = llm.calls[0]?.messages[0]?.content; // "I'm [EMAIL], card [CARD]. …"
	// #endregion guards

	const strict = new ModelRouter({
		models: { llm: new ScriptedChatModel(["never"]) },
		guards: [piiGuard({ action: "block" })],
	});
	const blocked = await strict
		.invoke("call me on +44 20 7946 0958")
		.catch((e: unknown) => e);
	return {
		answer: answer.content,
		seen,
		guardEvents: events.filter((e) => e.type === "guardrail"),
		blocked:
			blocked instanceof GuardrailError
				? { guard: blocked.guard, findings: blocked.findings }
				: blocked,
	};
}
