// A response cache (temperature 0 only), per-call cost from the price table, running totals.
import { ScriptedChatModel } from "@weft/graph/llm";
import {
	MemoryCacheStore,
	ModelRouter,
	PRICES_AS_OF,
	weftMetadata,
	withPrices,
} from "@weft/models";

export async function main() {
	// #region cache
	const mini = new ScriptedChatModel({
		model: "gpt-4o-mini",
		replies: [{ content: "Paris.", usage: { input: 1200, output: 3 } }],
	});
	const local = new ScriptedChatModel({
		model: "my-llama",
		replies: ["Berlin."],
		repeatLast: true,
	});

	const model = new ModelRouter({
		// temperature: 0 lets the router cache (it never caches at temperature > 0 unless asked).
		models: {
			"gpt-4o-mini": { model: mini, temperature: 0 },
			"my-llama": local,
		},
		rules: [{ task: "local", use: "my-llama" }],
		defaultChain: ["gpt-4o-mini"],
		cache: {
			store: new MemoryCacheStore({ maxEntries: 500 }),
			ttlMs: 3_600_000,
		},
		prices: withPrices({
			"my-llama": { inputPerMTok: 0.05, outputPerMTok: 0.05 },
		}),
	});

	const first = await model.invoke("Capital of France?"); // miss: priced from LIST_PRICES
	const again = await model.invoke("Capital of France?"); // hit: no provider call, costUsd 0
	await model.invoke("Capital of Germany?", { task: "local" });
	const totals = model.usage.totals(); // calls, tokens, costUsd, savedUsd, byModel…
	// #endregion cache
	return {
		first: weftMetadata(first),
		again: weftMetadata(again),
		totals,
		pricesAsOf: PRICES_AS_OF,
	};
}
