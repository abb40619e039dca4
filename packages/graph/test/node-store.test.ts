import {
	Command,
	isWeftError,
	MemoryCheckpointer,
	MemoryStore,
	reducer,
	START,
	StateGraph,
	type Store,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const S = z.object({
	found: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
});

/** A store that counts the writes that reach it. */
function counting(store: Store) {
	const counts = { put: 0, delete: 0 };
	const wrapped: Store = {
		...store,
		get: (ns, key) => store.get(ns, key),
		list: (p, o) => store.list(p, o),
		search: (p, o) => store.search(p, o),
		listNamespaces: (o) => store.listNamespaces(o),
		sweep: () => store.sweep(),
		close: () => store.close(),
		put: (...args) => {
			counts.put++;
			return store.put(...args);
		},
		delete: (...args) => {
			counts.delete++;
			return store.delete(...args);
		},
	};
	return { store: wrapped, counts };
}

describe("ctx.store", () => {
	it("reaches the store given to compile(), or the run's own", async () => {
		const a = new MemoryStore();
		const b = new MemoryStore();
		const graph = new StateGraph(S)
			.addNode("write", async (_s, ctx) => {
				await ctx.store?.put(["notes"], "k", { text: "hello" });
			})
			.addEdge(START, "write")
			.compile({ store: a });
		await graph.invoke({});
		expect((await a.get(["notes"], "k"))?.value).toEqual({ text: "hello" });
		await graph.invoke({}, { store: b });
		expect(await b.get(["notes"], "k")).toBeDefined();
		const none = new StateGraph(S)
			.addNode("look", (_s, ctx) => ({ found: [String(ctx.store)] }))
			.addEdge(START, "look")
			.compile();
		expect((await none.invoke({})).found).toEqual(["undefined"]);
	});

	it("fills namespace templates from the run's context: one user never reads another's items", async () => {
		const store = new MemoryStore();
		const graph = new StateGraph(S)
			.addNode("remember", async (_s, ctx) => {
				await ctx.store!.put(["users", "{userId}", "memories"], "fact", {
					text: `secret of ${String(ctx.context.userId)}`,
				});
				const hits = await ctx.store!.search(["users", "{userId}"], {
					query: "secret",
				});
				return { found: hits.map((h) => (h.value as { text: string }).text) };
			})
			.addEdge(START, "remember")
			.compile({ store });
		expect(
			(await graph.invoke({}, { context: { userId: "alice" } })).found,
		).toEqual(["secret of alice"]);
		expect(
			(await graph.invoke({}, { context: { userId: "bob" } })).found,
		).toEqual(["secret of bob"]);
		expect(await store.listNamespaces()).toEqual([
			["users", "alice", "memories"],
			["users", "bob", "memories"],
		]);
		const error = await graph.invoke({}).catch((e: unknown) => e);
		// a WeftError thrown by a node fails the run as it is
		expect(isWeftError(error, "INVALID_NAMESPACE")).toBe(true);
		expect(String((error as Error).message)).toContain('needs "userId"');
	});

	it("does not repeat a node's writes when it runs again after a resume", async () => {
		const { store, counts } = counting(new MemoryStore());
		const graph = new StateGraph(S)
			.addNode("work", async (_s, ctx) => {
				await ctx.store!.put(["log"], "a", 1);
				await ctx.store!.put(["log"], "a", 2);
				await ctx.store!.delete(["log"], "gone");
				const ok = await ctx.interrupt<string>("go on?");
				await ctx.store!.put(["log"], "after", ok);
				const item = await ctx.store!.get(["log"], "a");
				return { found: [String(item?.value)] };
			})
			.addEdge(START, "work")
			.compile({ checkpointer: new MemoryCheckpointer(), store });
		const paused = await graph.run({}, { threadId: "t" });
		expect(paused.status).toBe("interrupted");
		expect(counts).toEqual({ put: 2, delete: 1 });
		const done = await graph.run(new Command({ resume: "yes" }), {
			threadId: "t",
		});
		expect(done.values.found).toEqual(["2"]);
		expect(counts).toEqual({ put: 3, delete: 1 });
		expect((await store.get(["log"], "after"))?.value).toBe("yes");
	});

	it("matches a write by what it writes to: a write skipped on the second run does not take a later one's place", async () => {
		const { store, counts } = counting(new MemoryStore());
		const graph = new StateGraph(S)
			.addNode("work", async (_s, ctx) => {
				// put-if-missing: the first run writes "visits", the second finds it and skips the put
				if ((await ctx.store!.get(["u"], "visits")) === undefined)
					await ctx.store!.put(["u"], "visits", 1);
				const ok = await ctx.interrupt<string>("go on?");
				await ctx.store!.put(["u"], "answer", ok);
				await ctx.store!.put(["u"], "answer", `${ok}!`);
				return { found: [ok] };
			})
			.addEdge(START, "work")
			.compile({ checkpointer: new MemoryCheckpointer(), store });
		await graph.run({}, { threadId: "t" });
		expect(counts.put).toBe(1);
		const done = await graph.run(new Command({ resume: "yes" }), {
			threadId: "t",
		});
		expect(done.status).toBe("done");
		// both writes to "answer" ran (the second to the same item is its own write), "visits" once
		expect(counts.put).toBe(3);
		expect((await store.get(["u"], "answer"))?.value).toBe("yes!");
		expect((await store.get(["u"], "visits"))?.value).toBe(1);
	});

	it("is inherited by subgraphs", async () => {
		const store = new MemoryStore();
		const inner = new StateGraph(S)
			.addNode("deep", async (_s, ctx) => {
				await ctx.store!.put(["from"], "inner", true);
			})
			.addEdge(START, "deep")
			.compile();
		const outer = new StateGraph(S)
			.addNode("sub", inner)
			.addEdge(START, "sub")
			.compile({ store });
		await outer.invoke({});
		expect((await store.get(["from"], "inner"))?.value).toBe(true);
	});
});
