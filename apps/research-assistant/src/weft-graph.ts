// The module the `weft` CLI loads to continue research threads (recorded with every run):
// the assistant on the models the environment selects.
import { createResearchAssistant } from "./graph.ts";
import { modelsFromEnv } from "./models.ts";

const models = await modelsFromEnv({
	cheap: process.env.WEFT_CHEAP_MODEL,
	strong: process.env.WEFT_STRONG_MODEL,
});

export const graph = createResearchAssistant({
	...models,
	label: models.label,
});
