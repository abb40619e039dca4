// The graph's diagram for the README (`pnpm --filter @weft/research-assistant diagram` rewrites it; a test checks it).
import { ExtractiveChatModel } from "./extractive-model.ts";
import { createResearchAssistant } from "./graph.ts";

export function diagram(): string {
	const model = new ExtractiveChatModel();
	return createResearchAssistant({ model }).toMermaid();
}
