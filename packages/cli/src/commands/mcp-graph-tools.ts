import { randomUUID } from "node:crypto";
import { isWeftError } from "@weft/checkpoint";
import { Command, type CompiledGraph } from "@weft/graph";
import { z } from "zod";

type AnyGraph = CompiledGraph<any, any>;

/** An MCP tool as listed to clients. */
export interface ListedTool {
	name: string;
	description: string;
	inputSchema: { type: "object"; [key: string]: unknown };
}

/** What a tool call answers (MCP `CallToolResult`). */
export interface ToolAnswer {
	[key: string]: unknown;
	content: { type: "text"; text: string }[];
	structuredContent?: Record<string, unknown>;
	isError?: boolean;
}

/** The graph's input as JSON schema: every state key optional (an input is a partial update). */
export function inputSchemaOf(graph: AnyGraph): ListedTool["inputSchema"] {
	const schema = z.toJSONSchema(graph.schema.partial(), {
		io: "input",
		unrepresentable: "any",
	}) as Record<string, unknown>;
	const { $schema: _s, ...rest } = schema;
	return { ...rest, type: "object" };
}

/** The two tools of a served graph: `name` starts a run, `name_resume` answers its pending interrupt. */
export function graphTools(name: string, graph: AnyGraph): ListedTool[] {
	return [
		{
			name,
			description: `Run the Weft graph "${name}" on this input (a new thread). If it pauses for a human decision, the answer says so; continue with ${name}_resume.`,
			inputSchema: inputSchemaOf(graph),
		},
		{
			name: `${name}_resume`,
			description: `Answer a paused run of "${name}": pass its threadId and the resume value the pause asked for.`,
			inputSchema: {
				type: "object",
				properties: {
					threadId: { type: "string" },
					resume: { description: "the answer (any JSON)" },
					interruptId: {
						type: "string",
						description: "which pause, when several are pending",
					},
				},
				required: ["threadId", "resume"],
			},
		},
	];
}

const json = (value: unknown): Record<string, unknown> =>
	JSON.parse(JSON.stringify(value ?? null)) as Record<string, unknown>;

/** Runs the graph for a tool call and turns how it ended into a tool answer. */
export async function callGraphTool(
	name: string,
	graph: AnyGraph,
	tool: string,
	args: Record<string, unknown>,
	signal: AbortSignal,
): Promise<ToolAnswer> {
	const resuming = tool === `${name}_resume`;
	const threadId = resuming ? String(args.threadId) : randomUUID();
	try {
		const input = resuming
			? new Command({
					resume:
						typeof args.interruptId === "string"
							? { [args.interruptId]: args.resume }
							: args.resume,
				})
			: args;
		const result = await graph.run(input, { threadId, signal });
		if (result.status === "interrupted") {
			const interrupts = result.interrupts.map((i) => ({
				id: i.id,
				node: i.node,
				value: i.value,
			}));
			return {
				content: [
					{
						type: "text",
						text: `The run paused for input (thread ${threadId}): ${JSON.stringify(interrupts.map((i) => i.value))}. Answer with the tool ${name}_resume: { "threadId": "${threadId}", "resume": … }.`,
					},
				],
				structuredContent: {
					status: "interrupted",
					threadId,
					interrupts: json(interrupts),
				},
			};
		}
		const values = json(result.values);
		return {
			content: [{ type: "text", text: JSON.stringify(values) }],
			structuredContent: { status: result.status, threadId, values },
			...(result.status === "done" ? {} : { isError: true }),
		};
	} catch (error) {
		const detail = isWeftError(error)
			? { code: error.code, message: error.message, hint: error.hint }
			: {
					code: "ERROR",
					message: error instanceof Error ? error.message : String(error),
				};
		return {
			content: [
				{
					type: "text",
					text: `${detail.code}: ${detail.message}${"hint" in detail && detail.hint ? ` (hint: ${detail.hint})` : ""}`,
				},
			],
			structuredContent: { status: "error", threadId, error: json(detail) },
			isError: true,
		};
	}
}
