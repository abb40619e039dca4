// A model's provider in the OpenTelemetry GenAI conventions' values (`gen_ai.provider.name`), whatever
// LangChain's `_llmType()` calls it. The conventions list well-known values that MUST be used when one
// applies; another provider's name is kept as LangChain gives it (decision 0103).

/** LangChain `_llmType()` values (lower case) whose provider has a well-known value of its own. */
const EXACT = new Map<string, string>([
	["azure_openai", "azure.ai.openai"],
	["azure-openai", "azure.ai.openai"],
	["azureopenai", "azure.ai.openai"],
	["googlegenerativeai", "gcp.gemini"],
	["google_genai", "gcp.gemini"],
	["google-genai", "gcp.gemini"],
	["gemini", "gcp.gemini"],
	["vertexai", "gcp.vertex_ai"],
	["googlevertexai", "gcp.vertex_ai"],
	["google_vertexai", "gcp.vertex_ai"],
	["vertex_ai", "gcp.vertex_ai"],
	["mistralai", "mistral_ai"],
	["mistral", "mistral_ai"],
	["xai", "x_ai"],
	["watsonx", "ibm.watsonx.ai"],
	["azure_ai_inference", "azure.ai.inference"],
]);

/** `gen_ai.provider.name` for a LangChain provider name; undefined stays undefined. */
export function conventionProvider(
	llmType: string | undefined,
): string | undefined {
	if (llmType === undefined) return undefined;
	const lower = llmType.toLowerCase();
	const exact = EXACT.get(lower);
	if (exact !== undefined) return exact;
	// Bedrock's integrations name themselves several ways (bedrock, amazon_bedrock_converse, …)
	if (lower.includes("bedrock")) return "aws.bedrock";
	return llmType;
}

/** A model's provider as LangChain names it (`_llmType()`: "openai", "anthropic", …), through bindings. */
export function providerOf(model: unknown): string | undefined {
	for (let m = model as Record<string, unknown> | undefined; m; ) {
		if (typeof m._llmType === "function") {
			const t: unknown = m._llmType();
			return typeof t === "string" && t !== "" ? t : undefined;
		}
		if (typeof m.bound !== "object" || m.bound === null) return undefined;
		m = m.bound as Record<string, unknown>;
	}
	return undefined;
}
