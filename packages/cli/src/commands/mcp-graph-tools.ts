import { isWeftError, WeftError } from "@weft/checkpoint";
import { Command, type CompiledGraph } from "@weft/graph";
import { plainValue } from "../render/messages.ts";
import type { ThreadRecords } from "./mcp-threads.ts";
import { inToolTerms, saidInToolTerms } from "./mcp-tool-errors.ts";

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

/**
 * The graph's input as JSON schema. Each call starts a new thread, so the keys its first input must give
 * (no default, no reducer `init`, not optional) are `required`; the others may be left out (decision 0180);
 * no other key.
 */
export function inputSchemaOf(graph: AnyGraph): ListedTool["inputSchema"] {
	// the schema's own method: no `zod` import of ours, which would load all of zod into every `weft` command
	const schema = graph.schema.partial().toJSONSchema({
		io: "input",
		unrepresentable: "any",
	}) as Record<string, unknown>;
	const { $schema: _s, required: _r, ...rest } = schema;
	const required = graph.requiredInputKeys();
	return {
		...rest,
		type: "object",
		...(required.length > 0 ? { required: [...required] } : {}),
		// a key the state schema lacks is refused (VALIDATION_FAILED): said in the schema a host reads
		additionalProperties: false,
	};
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
			description: `Go on with a run of "${name}": pass its threadId and the resume value its pause asked for; or, after a run that failed, was cancelled or stopped, its threadId and continue: true to go on from its last saved step.`,
			inputSchema: {
				type: "object",
				properties: {
					threadId: { type: "string" },
					resume: { description: "the answer (any JSON)" },
					interruptId: {
						type: "string",
						description: "which pause, when several are pending",
					},
					continue: {
						type: "boolean",
						const: true,
						description:
							"instead of resume: go on from the thread's last saved step without an answer",
					},
				},
				required: ["threadId"],
				additionalProperties: false,
			},
		},
	];
}

const RESUME_KEYS = new Set(["threadId", "resume", "interruptId", "continue"]);

/**
 * What is wrong with a `name_resume` call's arguments (undefined: nothing): a non-empty string `threadId`,
 * and either a `resume` (with, optionally, a string `interruptId`) or `continue: true`; no other key.
 */
export function resumeArgsProblem(
	args: Record<string, unknown>,
): string | undefined {
	if (typeof args.threadId !== "string" || args.threadId === "")
		return `threadId must be the non-empty string a run answered with, got ${args.threadId === undefined ? "none" : JSON.stringify(args.threadId)}`;
	const unknown = Object.keys(args).filter((k) => !RESUME_KEYS.has(k));
	if (unknown.length > 0)
		return `unknown argument ${unknown.map((k) => JSON.stringify(k)).join(", ")}: the arguments are threadId, and resume (with interruptId when several pauses wait) or continue: true`;
	const goOn = Object.hasOwn(args, "continue");
	if (goOn && args.continue !== true)
		return `continue must be true (go on from the last saved step), got ${JSON.stringify(args.continue)}`;
	if (goOn && (Object.hasOwn(args, "resume") || args.interruptId !== undefined))
		return "give either resume (an answer to a pause) or continue: true, not both";
	if (!goOn && !Object.hasOwn(args, "resume"))
		return "resume is required: the answer the pause asked for (any JSON); or continue: true to go on without an answer";
	if (args.interruptId !== undefined && typeof args.interruptId !== "string")
		return `interruptId must be a string (an id from the pause's interrupts), got ${JSON.stringify(args.interruptId)}`;
	return undefined;
}

/**
 * A value as JSON for MCP, the form `weft run --json` prints: a bigint as its decimal string, a `Date` as
 * its ISO string, a `Map` as an object, a `Set` as an array, messages as `{ role, content, … }`.
 */
export function mcpJson(value: unknown): unknown {
	return JSON.parse(JSON.stringify(plainValue(value ?? null)) ?? "null");
}

/** An error as a tool answer; `threadId` undefined when the call made no thread (its input was refused). */
function errorAnswer(threadId: string | undefined, error: unknown): ToolAnswer {
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
		structuredContent: {
			status: "error",
			...(threadId === undefined ? {} : { threadId }),
			error: mcpJson(detail) as Record<string, unknown>,
		},
		isError: true,
	};
}

/** The thread's pending interrupts; a thread without a checkpoint is NO_PENDING_INTERRUPT (it never ran). */
async function pendingOf(
	name: string,
	graph: AnyGraph,
	threadId: string,
): Promise<{ interrupts: readonly { id: string }[] }> {
	try {
		return await graph.getState({ threadId });
	} catch (error) {
		if (!isWeftError(error) || error.code !== "CHECKPOINT_NOT_FOUND")
			throw error;
		const never = new WeftError(
			"NO_PENDING_INTERRUPT",
			`thread ${threadId} has no checkpoint: it never ran`,
			{
				hint: `no run has this thread: check the threadId (the one a call of ${name} answered with), or call ${name} to start a new run`,
				cause: error,
			},
		);
		saidInToolTerms(never);
		throw never;
	}
}

/** Tells an MCP host how a call's run goes on (a progress notification; the sender numbers them). */
export type Progress = (message: string) => void;

/**
 * Runs the graph; with `progress`, says the thread at once and each saved step after (a host that waits
 * on progress keeps waiting for a long run, and learns its thread even if it gives up).
 */
async function runGraph(
	graph: AnyGraph,
	input: Parameters<AnyGraph["run"]>[0],
	threadId: string,
	config: Parameters<AnyGraph["run"]>[1],
	signal: AbortSignal,
	progress: Progress | undefined,
): Promise<Awaited<ReturnType<AnyGraph["run"]>>> {
	if (progress === undefined) return graph.run(input, { ...config, signal });
	progress(`thread ${threadId}: running`);
	let result: Awaited<ReturnType<AnyGraph["run"]>> | undefined;
	for await (const ev of graph.stream(input, {
		...config,
		signal,
		mode: "checkpoints",
	}))
		if (ev.type === "checkpoint")
			progress(`thread ${threadId}: step ${ev.step} saved`);
		else if (ev.type === "end") result = ev.result;
	return result!;
}

/** How a tool call runs: its signal, and what it tells and records. */
export interface ToolCall {
	signal: AbortSignal;
	/** The `weft` command on this server's store (`weft --db x.db`), for hints that name a terminal's. */
	cli?: string | undefined;
	/** Told the thread the call runs on, before it runs. */
	onThread?: ((threadId: string) => void) | undefined;
	progress?: Progress | undefined;
	/** The run config recording the graph, and the check that a thread gone on with is this graph's. */
	threads?: ThreadRecords | undefined;
}

/** Runs the graph for a tool call and turns how it ended into a tool answer. */
export async function callGraphTool(
	name: string,
	graph: AnyGraph,
	tool: string,
	args: Record<string, unknown>,
	{ signal, onThread, progress, threads, cli }: ToolCall,
): Promise<ToolAnswer> {
	const resuming = tool === `${name}_resume`;
	// resume arguments are checked by the caller (resumeArgsProblem) before this runs
	const threadId = resuming
		? (args.threadId as string)
		: process.getBuiltinModule("node:crypto").randomUUID();
	onThread?.(threadId);
	let result: Awaited<ReturnType<AnyGraph["run"]>>;
	let waiting: string[] = [];
	try {
		// read before the run: a thread that never ran is refused without a lease taken on it (the run would
		// leave a thread record behind, read "failed"), and an id that no pending interrupt has is said as
		// such (one pending interrupt would otherwise take { id: answer } for its answer and refuse it)
		const goOn = resuming && args.continue === true;
		// another graph's thread is refused before anything of it is read with this graph
		if (resuming) await threads?.check(name, threadId);
		if (resuming) {
			const { interrupts } = await pendingOf(name, graph, threadId);
			waiting = interrupts.map((i) => i.id);
			if (
				typeof args.interruptId === "string" &&
				!interrupts.some((i) => i.id === args.interruptId)
			)
				throw new WeftError(
					"UNKNOWN_INTERRUPT_ID",
					`no pending interrupt of thread ${threadId} has id "${args.interruptId}"`,
					{
						hint:
							interrupts.length === 0
								? "nothing waits on this thread: it was answered already, or never paused"
								: `pending ids: ${interrupts.map((i) => i.id).join(", ")} (or leave interruptId out when one waits)`,
					},
				);
		}
		const input = goOn
			? null
			: resuming
				? new Command({
						resume:
							typeof args.interruptId === "string"
								? { [args.interruptId]: args.resume }
								: args.resume,
					})
				: args;
		const config = (await threads?.config(name, threadId, resuming)) ?? {
			threadId,
		};
		result = await runGraph(graph, input, threadId, config, signal, progress);
	} catch (error) {
		// a new run refused before it saved anything (its input, chiefly) made no thread: naming the id it
		// would have had sends a host after a thread that is not there
		const made =
			resuming || (await threads?.exists(threadId).catch(() => true)) !== false;
		return errorAnswer(
			made ? threadId : undefined,
			inToolTerms(error, name, threadId, waiting, cli),
		);
	}
	// the run happened: how it ended is reported as such even when its values cannot be shown, so that a
	// host never takes a finished run for a failed call and starts it again
	if (result.status === "interrupted") {
		const interrupts = shown(
			result.interrupts.map((i) => ({
				id: i.id,
				node: i.node,
				value: i.value,
			})),
		);
		return {
			content: [
				{
					type: "text",
					text: `The run paused for input (thread ${threadId}): ${JSON.stringify((interrupts.json as { value?: unknown }[] | null)?.map((i) => i.value) ?? null)}. Answer with the tool ${name}_resume: { "threadId": "${threadId}", "resume": … }.`,
				},
			],
			structuredContent: {
				status: "interrupted",
				threadId,
				interrupts: interrupts.json,
				...interrupts.note,
			},
		};
	}
	const values = shown(result.values);
	return {
		content: [{ type: "text", text: JSON.stringify(values.json) }],
		structuredContent: {
			status: result.status,
			threadId,
			values: values.json,
			...values.note,
		},
		...(result.status === "done" ? {} : { isError: true }),
	};
}

/** A value in its MCP JSON form, or null and a note saying why it cannot be shown. */
function shown(value: unknown): {
	json: unknown;
	note: { encodingError?: string };
} {
	try {
		return { json: mcpJson(value), note: {} };
	} catch (error) {
		return {
			json: null,
			note: {
				encodingError: `the value cannot be shown as JSON: ${error instanceof Error ? error.message : String(error)}`,
			},
		};
	}
}

/**
 * An answer a host's stdio reader takes: one over `limit` bytes as JSON (the SDK's reader drops the
 * connection on a larger line) keeps its status and thread, with no values, and says how to read them.
 */
export function fitAnswer(
	answer: ToolAnswer,
	limit: number,
	show: (threadId: string) => string,
): ToolAnswer {
	const bytes = Buffer.byteLength(JSON.stringify(answer));
	if (bytes <= limit) return answer;
	const s = answer.structuredContent ?? {};
	const threadId = String(s.threadId ?? "");
	const status = String(s.status ?? "error");
	const note = `the answer would be ${bytes} bytes, over the 10 MiB (${limit} bytes) an MCP stdio message may hold`;
	return {
		content: [
			{
				type: "text",
				text: `The run ended ${status} (thread ${threadId}), but ${note}. Read its state with \`${show(threadId)}\`, or have the graph keep large data out of its state (a file path or URL instead).`,
			},
		],
		structuredContent: {
			status,
			threadId,
			...(status === "interrupted" ? { interrupts: null } : { values: null }),
			encodingError: note,
		},
		...(answer.isError === true ? { isError: true } : {}),
	};
}
