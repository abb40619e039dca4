import type { StructuredToolInterface } from "@langchain/core/tools";
import {
	fillNamespace,
	MemoryStore,
	type NodeContext,
	type SearchItem,
	StateGraph,
	type Store,
	type StoreItem,
} from "@weft/graph";
import {
	createAgent,
	loadMcpTools,
	type McpToolset,
	memoryTools,
	ScriptedChatModel,
} from "@weft/graph/llm";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";

const store = new MemoryStore();

describe("Store types", () => {
	it("types items, search results and namespace filling", () => {
		expectTypeOf(store).toExtend<Store>();
		expectTypeOf(store.get(["a"], "k")).resolves.toEqualTypeOf<
			StoreItem | undefined
		>();
		expectTypeOf(store.search(["a"], { query: "q" })).resolves.toEqualTypeOf<
			SearchItem[]
		>();
		expectTypeOf(
			fillNamespace(["users", "{userId}"], { userId: "u1" }),
		).toEqualTypeOf<string[]>();
		// @ts-expect-error a value must be JSON
		void store.put(["a"], "k", new Map());
		// @ts-expect-error an unknown search mode
		void store.search(["a"], { query: "q", mode: "vector" });
		// @ts-expect-error a filter compares with scalars only
		void store.search(["a"], { filter: { tags: ["x"] } });
		// comparisons: LangGraph's operators, an order operator with a number or text
		void store.search(["a"], {
			filter: { year: { $gte: 2024, $lt: 2026 }, kind: { $ne: null } },
		});
		// @ts-expect-error an operator the store does not know
		void store.search(["a"], { filter: { year: { $in: [2024] } } });
		// @ts-expect-error an order operator compares numbers or text
		void store.search(["a"], { filter: { done: { $gt: true } } });
	});

	it("gives nodes an optional ctx.store, and takes a store at compile and run time", () => {
		expectTypeOf<NodeContext["store"]>().toEqualTypeOf<Store | undefined>();
		const g = new StateGraph(z.object({ n: z.number() }))
			.addNode("a", () => ({}))
			.addEdge("__start__", "a")
			.compile({ store });
		void g.invoke({ n: 1 }, { store });
		// @ts-expect-error a store is a Store, not a string
		void g.invoke({ n: 1 }, { store: "weft.db" });
	});
});

describe("memory and MCP tools", () => {
	it("memoryTools returns tools; createAgent takes a memory option", () => {
		expectTypeOf(memoryTools(store, { namespace: ["m"] })).toEqualTypeOf<
			StructuredToolInterface[]
		>();
		createAgent({
			model: new ScriptedChatModel([]),
			memory: { store, namespace: ["users", "{userId}"] },
		});
		// @ts-expect-error memory needs a namespace
		createAgent({ model: new ScriptedChatModel([]), memory: { store } });
	});

	it("loadMcpTools takes stdio or HTTP servers and returns a disposable toolset", () => {
		expectTypeOf(
			loadMcpTools({
				a: { command: "node", args: ["s.js"] },
				b: { url: "http://x/mcp" },
			}),
		).resolves.toEqualTypeOf<McpToolset>();
		expectTypeOf<McpToolset["tools"]>().toEqualTypeOf<
			StructuredToolInterface[]
		>();
		expectTypeOf<McpToolset>().toExtend<AsyncDisposable>();
		// @ts-expect-error a server needs a command or a url
		void loadMcpTools({ a: { args: ["s.js"] } });
	});
});
