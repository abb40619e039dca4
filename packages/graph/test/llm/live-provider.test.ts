import { HumanMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { MemoryCheckpointer } from "@weft/graph";
import { type ChatModelLike, createAgent } from "@weft/graph/llm";
import { describe, expect, it } from "vitest";
import { z } from "zod";

// Runs against a real provider only when its key is set and its package is installed (never in CI).
const providers = [
	{
		key: "OPENAI_API_KEY",
		pkg: "@langchain/openai",
		cls: "ChatOpenAI",
		model: "gpt-4o-mini",
	},
	{
		key: "ANTHROPIC_API_KEY",
		pkg: "@langchain/anthropic",
		cls: "ChatAnthropic",
		model: "claude-3-5-haiku-latest",
	},
] as const;

async function loadModel(): Promise<
	{ model: ChatModelLike; name: string } | string
> {
	const withKey = providers.filter((p) => process.env[p.key]);
	if (withKey.length === 0)
		return "neither OPENAI_API_KEY nor ANTHROPIC_API_KEY is set";
	for (const p of withKey) {
		const specifier: string = p.pkg;
		const mod = (await import(specifier).catch(() => undefined)) as
			| Record<string, any>
			| undefined;
		if (mod?.[p.cls] !== undefined)
			return {
				model: new mod[p.cls]({ model: p.model, temperature: 0 }),
				name: p.model,
			};
	}
	return `${withKey.map((p) => p.pkg).join(" / ")} is not installed`;
}

const loaded = await loadModel();
if (typeof loaded === "string")
	process.stderr.write(`[live-provider.test] skipped: ${loaded}\n`);

describe.skipIf(typeof loaded === "string")("live provider", () => {
	it("runs an agent with a tool and reports usage", {
		timeout: 60_000,
	}, async () => {
		const { model, name } = loaded as { model: ChatModelLike; name: string };
		let used = 0;
		const multiply = tool(
			async ({ a, b }) => {
				used++;
				return String(a * b);
			},
			{
				name: "multiply",
				description: "Multiplies two numbers",
				schema: z.object({ a: z.number(), b: z.number() }),
			},
		);
		const agent = createAgent({
			model,
			tools: [multiply],
			system:
				"Use the multiply tool for arithmetic. Answer with the number only.",
			checkpointer: new MemoryCheckpointer(),
		});
		const result = await agent.run(
			{ messages: [new HumanMessage("What is 12.5 times 8?")] },
			{ threadId: "live" },
		);
		expect(result.status).toBe("done");
		expect(used).toBeGreaterThan(0);
		expect(String(result.values.messages.at(-1)?.content)).toContain("100");
		expect(result.usage.inputTokens).toBeGreaterThan(0);
		expect(Object.keys(result.usage.byModel).join(",")).toContain(
			name.split("-")[0],
		);
	});
});
