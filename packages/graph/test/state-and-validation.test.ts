import {
	END,
	InvalidUpdateError,
	isWeftError,
	MemoryCheckpointer,
	reducer,
	Send,
	START,
	StateGraph,
	ValidationError,
} from "@weft/graph";
import { describe, expect, it } from "vitest";
import { z } from "zod";

const State = z.object({
	topic: z.string(),
	notes: reducer(
		z.array(z.string()),
		(a, b) => [...a, ...b],
		() => [],
	),
	count: z.number().default(0),
});

describe("state", () => {
	it("starts from reducer init and schema defaults, and applies input as an update", async () => {
		const graph = new StateGraph(State)
			.addNode("a", (s) => ({ notes: [`${s.topic}:${s.count}`] }))
			.addEdge(START, "a")
			.compile();
		expect(await graph.invoke({ topic: "x" })).toEqual({
			topic: "x",
			notes: ["x:0"],
			count: 0,
		});
	});

	it("merges reducer keys and keeps the last value of the others across steps", async () => {
		const graph = new StateGraph(State)
			.addNode("a", () => ({ notes: ["a"], count: 1 }))
			.addNode("b", () => ({ notes: ["b"], count: 2 }))
			.addEdge(START, "a")
			.addEdge("a", "b")
			.compile();
		expect(await graph.invoke({ topic: "t", notes: ["in"] })).toEqual({
			topic: "t",
			notes: ["in", "a", "b"],
			count: 2,
		});
	});

	it("rejects two writers of a last-value key in one step, naming both nodes and the key", async () => {
		const graph = new StateGraph(State)
			.addNode("left", () => ({ count: 1 }))
			.addNode("right", () => ({ count: 2 }))
			.addEdge(START, "left")
			.addEdge(START, "right")
			.compile();
		const error = await graph.invoke({ topic: "t" }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(InvalidUpdateError);
		expect(error).toMatchObject({
			code: "INVALID_UPDATE",
			key: "count",
			nodes: ["left", "right"],
		});
		expect((error as Error).message).toContain('"left" and "right"');
	});

	it("lets parallel writers of a reducer key merge in node-name order", async () => {
		const graph = new StateGraph(State)
			.addNode("zeta", async () => {
				await new Promise((r) => setTimeout(r, 5));
				return { notes: ["zeta"] };
			})
			.addNode("alpha", async () => ({ notes: ["alpha"] }))
			.addNode("mid", () => ({ notes: ["mid"] }))
			.addEdge(START, "zeta")
			.addEdge(START, "alpha")
			.addEdge(START, "mid")
			.compile();
		expect((await graph.invoke({ topic: "t" })).notes).toEqual([
			"alpha",
			"mid",
			"zeta",
		]);
	});

	it("rejects input that fails the schema with ValidationError and zod's issues", async () => {
		const graph = new StateGraph(State)
			.addNode("a", () => {})
			.addEdge(START, "a")
			.compile();
		const error = await graph
			.invoke({ topic: 42 as unknown as string })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ValidationError);
		expect(isWeftError(error, "VALIDATION_FAILED")).toBe(true);
		expect((error as ValidationError).issues[0]).toMatchObject({
			code: "invalid_type",
			path: ["topic"],
		});
		// it names the run's input, not a node that returned something (outside check, 2 Dec)
		expect((error as ValidationError).message).toMatch(
			/^the run's input is invalid at "topic"/,
		);
		expect((error as ValidationError).hint).toBe(
			'give "topic" a value of the type the state schema declares',
		);
	});

	// found by the outside MCP audit (5 Dec): a nested key's error named only the state key
	it("names the whole path of a nested key that fails", async () => {
		const graph = new StateGraph(
			z.object({ profile: z.object({ name: z.string(), age: z.number() }) }),
		)
			.addNode("a", () => {})
			.addEdge(START, "a")
			.compile();
		const error = (await graph
			.invoke({ profile: { name: "Ann" } as never })
			.catch((e: unknown) => e)) as ValidationError;
		expect(error.message).toMatch(
			/^the run's input is invalid at "profile\.age"/,
		);
		expect(error.hint).toBe(
			'give "profile.age" a value of the type the state schema declares',
		);
	});

	// found by the outside API audit (2 Dec): it read `node "__input__" returned number`, hinting at a node
	it("rejects input that is not an object as the run's input, not as a node's return", async () => {
		const graph = new StateGraph(State)
			.addNode("a", () => {})
			.addEdge(START, "a")
			.compile();
		for (const input of [5, "x", [1]]) {
			const error = (await graph
				.invoke(input as never)
				.catch((e: unknown) => e)) as ValidationError;
			expect(isWeftError(error, "VALIDATION_FAILED")).toBe(true);
			expect(error.message).toMatch(/^the run's input is .+, not an object/);
			expect(error.message).not.toContain("__input__");
			expect(error.hint).toContain("pass an object");
		}
	});

	it("rejects a Map, Set, Date or promise as input or a node's return, rather than reading it as no update", async () => {
		for (const value of [
			new Map([["topic", "t"]]),
			new Set(["topic"]),
			new Date(0),
			/topic/,
			new Error("topic"),
			Promise.resolve({ topic: "t" }),
		]) {
			const input = await new StateGraph(State)
				.addNode("a", () => {})
				.addEdge(START, "a")
				.compile()
				.invoke(value as never)
				.catch((e: unknown) => e);
			expect(isWeftError(input, "VALIDATION_FAILED"), String(value)).toBe(true);
			expect((input as Error).message).toMatch(/^the run's input is an? /);
			if (value instanceof Promise) continue; // a node's promise is awaited
			const returned = await new StateGraph(State)
				.addNode("a", () => value as never)
				.addEdge(START, "a")
				.compile()
				.invoke({ topic: "t" })
				.catch((e: unknown) => e);
			expect(isWeftError(returned, "VALIDATION_FAILED"), String(value)).toBe(
				true,
			);
			expect((returned as ValidationError).node).toBe("a");
		}
	});

	it("names the node, not its Send task's id, when a Send task's update is invalid", async () => {
		for (const update of [{ count: "x" }, { topic: undefined }, [1]]) {
			const error = (await new StateGraph(State)
				.addNode("fan", () => ({}))
				.addNode("work", () => update as never)
				.addEdge(START, "fan")
				.addConditionalEdges("fan", () => [
					new Send("work", { topic: "a" }),
					new Send("work", { topic: "b" }),
				])
				.compile()
				.invoke({ topic: "t" })
				.catch((e: unknown) => e)) as ValidationError;
			expect(isWeftError(error, "VALIDATION_FAILED")).toBe(true);
			expect(error.node).toBe("work");
			expect(error.message).toContain('"work"');
			expect(error.message).not.toContain("work#");
		}
	});

	it("rejects unknown keys in input and updates, naming the key", async () => {
		const graph = new StateGraph(State)
			.addNode("a", () => ({ cuont: 1 }) as never)
			.addEdge(START, "a")
			.compile();
		await expect(
			graph.invoke({ topic: "t", extra: 1 } as never),
		).rejects.toThrow(/"extra"/);
		const error = await graph.invoke({ topic: "t" }).catch((e: unknown) => e);
		expect(error).toMatchObject({ code: "VALIDATION_FAILED" });
		expect((error as Error).message).toMatch(/"a".*"cuont"/);
	});

	it("rejects a node update of the wrong type, naming the node and key", async () => {
		const graph = new StateGraph(State)
			.addNode("bad", () => ({ count: "three" }) as never)
			.addEdge(START, "bad")
			.addEdge("bad", END)
			.compile();
		const error = await graph.invoke({ topic: "t" }).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ValidationError);
		expect(error).toMatchObject({ node: "bad" });
		expect((error as Error).message).toContain('"count"');
	});

	it("takes the first write of a reducer key without init as its value, merging the later ones", async () => {
		const S = z.object({
			total: reducer(z.number(), (a, b) => a + b),
			tags: reducer(z.array(z.string()), (a, b) => [...a, ...b]),
		});
		const checkpointer = new MemoryCheckpointer();
		const graph = new StateGraph(S)
			.addNode("add", () => ({ total: 2, tags: ["b"] }))
			.addEdge(START, "add")
			.compile({ checkpointer });
		const values = await graph.invoke(
			{ total: 5, tags: ["a"] },
			{ threadId: "t" },
		);
		expect(values).toEqual({ total: 7, tags: ["a", "b"] });
		// read back from the stored writes, the same
		expect((await graph.getState({ threadId: "t" })).values).toEqual(values);
		const again = await graph.invoke({ total: 1 }, { threadId: "t" });
		expect(again).toEqual({ total: 10, tags: ["a", "b", "b"] });
	});

	it("validates reducer updates with the update schema when one is given", async () => {
		const S = z.object({
			total: reducer(
				z.number(),
				(a, b: string) => a + b.length,
				() => 0,
				{ update: z.string() },
			),
		});
		const graph = new StateGraph(S)
			.addNode("a", () => ({ total: "abcd" }))
			.addEdge(START, "a")
			.compile();
		expect(await graph.invoke({})).toEqual({ total: 4 });
	});
});

describe("draftUpdate", () => {
	it("turns draft mutations into an update of the changed keys, sharing what did not change", async () => {
		const P = z.object({
			profile: z.object({
				name: z.string(),
				tags: z.array(z.string()),
				address: z.object({ city: z.string() }),
			}),
			other: z.object({ big: z.array(z.number()) }),
		});
		const { draftUpdate } = await import("@weft/graph");
		const input = {
			profile: { name: "a", tags: ["x"], address: { city: "Oslo" } },
			other: { big: [1, 2, 3] },
		};
		const graph = new StateGraph(P)
			.addNode("rename", (s) => {
				const update = draftUpdate(s, (d) => {
					d.profile.name = "b";
				});
				expect(Object.keys(update)).toEqual(["profile"]);
				expect(update.profile!.address).toBe(s.profile.address);
				return update;
			})
			.addEdge(START, "rename")
			.compile();
		const out = await graph.invoke(input);
		expect(out.profile.name).toBe("b");
		expect(input.profile.name).toBe("a");
	});
});
