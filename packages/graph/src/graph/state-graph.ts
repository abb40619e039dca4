import { GraphValidationError } from "@weft/checkpoint";
import type { Route } from "../command.ts";
import type { END, START } from "../constants.ts";
import { checkCompileOptions } from "./check-compile-options.ts";
import { CompiledGraph, type CompileOptions } from "./compiled-graph.ts";
import type {
	AnyStateSchema,
	GotoOf,
	NodeContext,
	NodeOptions,
	NodeResult,
	Router,
	StateOf,
} from "./types.ts";
import {
	type GraphSpec,
	type NodeSpec,
	validateGraph,
} from "./validate-graph.ts";

type CompileArgs<TNodes extends string, TGoto extends string> = [
	Exclude<TGoto, TNodes | END>,
] extends [never]
	? [options?: CompileOptions<TNodes>]
	: [
			options: {
				"Command.goto names a node that was never added": Exclude<
					TGoto,
					TNodes | END
				>;
			},
		];

/**
 * Builds a graph over a zod object state. Node names are tracked in the type: an edge or a `Command.goto`
 * to a node that was never added does not compile. Declare the names up front with `{ nodes: [...] }`
 * to get the same checks without method chaining.
 * @example
 * const graph = new StateGraph(State)
 *   .addNode("plan", (s) => ({ count: s.count + 1 }))
 *   .addEdge(START, "plan")
 *   .compile();
 */
export class StateGraph<
	TSchema extends AnyStateSchema,
	TNodes extends string = never,
	TGoto extends string = never,
> {
	readonly schema: TSchema;
	readonly #spec: GraphSpec;

	constructor(schema: TSchema, options: { nodes?: readonly TNodes[] } = {}) {
		if (!isObjectSchema(schema))
			throw new GraphValidationError(
				"INVALID_GRAPH",
				"the state schema must be a zod object",
				{ hint: "pass new StateGraph(z.object({ … })) with zod v4" },
			);
		this.schema = schema;
		this.#spec = {
			nodes: new Map(),
			duplicates: [],
			edges: [],
			joins: [],
			branches: [],
			declared: options.nodes === undefined ? undefined : [...options.nodes],
		};
	}

	/** Adds a node: a function of the state (or of a `Send`'s payload), or a compiled graph as a subgraph. */
	addNode<
		const TName extends string,
		// read-only: the runtime hands nodes a frozen state (return an update instead)
		TInput = Readonly<StateOf<TSchema>>,
		TResult extends NodeResult<TSchema> = NodeResult<TSchema>,
	>(
		name: TName,
		fn: (input: TInput, ctx: NodeContext) => TResult | Promise<TResult>,
		options?: NodeOptions<TInput>,
	): StateGraph<TSchema, TNodes | TName, TGoto | GotoOf<TResult>>;
	addNode<const TName extends string>(
		name: TName,
		subgraph: CompiledGraph<any, any>,
		options?: NodeOptions,
	): StateGraph<TSchema, TNodes | TName, TGoto>;
	addNode(
		name: string,
		fn: unknown,
		options: NodeOptions<any> = {},
	): StateGraph<TSchema, any, any> {
		if (this.#spec.nodes.has(name)) this.#spec.duplicates.push(name);
		const spec: NodeSpec =
			fn instanceof CompiledGraph
				? { name, subgraph: fn, options }
				: { name, fn: fn as NonNullable<NodeSpec["fn"]>, options };
		this.#spec.nodes.set(name, spec);
		return this;
	}

	/** A static edge; an array source is a join: the target runs once after all sources ran. */
	addEdge(from: START | TNodes | readonly TNodes[], to: TNodes | END): this {
		if (typeof from === "string") this.#spec.edges.push([from, to]);
		else
			this.#spec.joins.push({
				id: `${[...from].sort().join("+")}>${to}`,
				sources: [...from],
				target: to,
			});
		return this;
	}

	/**
	 * A router run after `from`'s step, on the state after that step. It returns a node name, `END`, names,
	 * or `Send`s; with a path map it returns labels that the map turns into nodes.
	 */
	addConditionalEdges(
		from: START | TNodes,
		router: Router<TSchema, TNodes>,
		ends?: ReadonlyArray<TNodes | END>,
	): this;
	addConditionalEdges<const TLabel extends string>(
		from: START | TNodes,
		router: (
			state: Readonly<StateOf<TSchema>>,
			ctx: { readonly context: Readonly<Record<string, unknown>> },
		) => TLabel | Promise<TLabel>,
		pathMap: Record<TLabel, TNodes | END>,
	): this;
	addConditionalEdges(
		from: string,
		router: (state: any, ctx: any) => unknown,
		paths?: ReadonlyArray<string> | Record<string, string>,
	): this {
		const pathMap =
			paths !== undefined && !Array.isArray(paths)
				? (paths as Record<string, string>)
				: undefined;
		const ends =
			paths === undefined
				? undefined
				: pathMap !== undefined
					? Object.values(pathMap)
					: [...(paths as string[])];
		this.#spec.branches.push({
			from,
			router: router as (s: unknown, c: unknown) => Route,
			pathMap,
			ends,
		});
		return this;
	}

	/** Checks the graph (GraphValidationError on a mistake) and returns the runnable graph. */
	compile(...args: CompileArgs<TNodes, TGoto>): CompiledGraph<TSchema, TNodes> {
		const options = (args[0] ?? {}) as CompileOptions<TNodes>;
		checkCompileOptions(options);
		validateGraph(this.#spec, options);
		return new CompiledGraph(this.schema, this.#spec, options);
	}
}

/** A zod object schema (duck-typed: the application's copy of zod may not be this package's). */
function isObjectSchema(schema: unknown): boolean {
	return (
		typeof schema === "object" &&
		schema !== null &&
		typeof (schema as { shape?: unknown }).shape === "object" &&
		typeof (schema as { safeParse?: unknown }).safeParse === "function"
	);
}
