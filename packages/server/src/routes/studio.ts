import { existsSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ThreadInfo } from "@weft/checkpoint";
import { WeftError } from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import {
	humanSchemas,
	mayBeWaiting,
	pendingInterrupts,
	waitingRequests,
} from "@weft/graph";
import { type Context, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import {
	type Env,
	graphOfThread,
	ownedThread,
	ownerOf,
	type ServerContext,
} from "../context.ts";
import { StudioThreadsQuery, StudioTreeQuery } from "../query-schemas.ts";
import { toWire } from "../wire-values.ts";
import { treeRows } from "./studio-tree.ts";
import { query } from "./validate.ts";

type AnyGraph = CompiledGraph<any, any>;

/** Options of the studio (`createApp({ studio })`). */
export interface StudioOptions {
	/** Folder of the studio's production build (default: apps/studio/dist of this checkout). */
	dir?: string | undefined;
	/** Finds the graph of a thread no registered graph claims (e.g. the module recorded with its runs). */
	resolveGraph?:
		| ((threadId: string) => Promise<AnyGraph | undefined>)
		| undefined;
	/**
	 * The registered graph (by name) that a thread no server run recorded runs: `weft dev` matches the
	 * module a `weft run` recorded with it to the modules it serves, so that the studio reads its whole
	 * state and answers it.
	 */
	graphIdOf?: ((threadId: string) => Promise<string | undefined>) | undefined;
}

const DEFAULT_DIR = fileURLToPath(
	new URL("../../../../apps/studio/dist", import.meta.url),
);
/**
 * How to build the studio, run where it works: in the Weft checkout whose `apps/studio/dist` is served (a
 * project made by `weft init` has no @weft/studio to filter; decision 0229).
 */
function notBuiltHint(dir: string): string {
	const inCheckout = /[/\\]apps[/\\]studio[/\\]dist[/\\]?$/.test(dir);
	if (!inCheckout)
		return `build it in the Weft checkout (pnpm --filter @weft/studio build) and give its apps/studio/dist as the studio's dir, not ${dir}`;
	// a server installed from its package (npm): its default dir lies in node_modules, where no studio is
	if (!existsSync(resolve(dir, "../package.json")))
		return "the studio comes with a checkout of Weft, not with the installed @weft/server: in a checkout, build it (pnpm --filter @weft/studio build) and open this store with `pnpm weft studio --db <file>` (or --postgres <url>)";
	const checkout = resolve(dir, "../../..");
	const word = /^[\w@%+=:,./-]+$/.test(checkout)
		? checkout
		: `'${checkout.replaceAll("'", `'\\''`)}'`;
	return `build it in the Weft checkout ${checkout}: cd ${word} && pnpm --filter @weft/studio build`;
}

/**
 * Whether the studio's production build is there to serve (without it `/studio/` answers 404), and if
 * not, how to build it: `weft dev` prints the studio's address only when it will open.
 * @example const s = studioBuild(); console.log(s.built ? "/studio/" : s.hint);
 */
export function studioBuild(
	options: Pick<StudioOptions, "dir"> = {},
): { built: true; dir: string } | { built: false; dir: string; hint: string } {
	const dir = options.dir ?? DEFAULT_DIR;
	return existsSync(join(dir, "index.html"))
		? { built: true, dir }
		: { built: false, dir, hint: notBuiltHint(dir) };
}

const TYPES: Record<string, string> = {
	".html": "text/html; charset=utf-8",
	".js": "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".svg": "image/svg+xml",
	".json": "application/json",
	".png": "image/png",
};

/** The store's status (`stale`: running, but its lease ran out), or running while this process runs it. */
const statusOf = (t: ThreadInfo, busy: boolean): string =>
	busy ? "running" : t.status;

const jsonSchemas = new WeakMap<z.ZodType, unknown>();

/** A zod schema as JSON Schema (cached; null when zod cannot express it). */
function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): unknown {
	if (!jsonSchemas.has(schema)) {
		let out: unknown = null;
		try {
			out = z.toJSONSchema(schema, { unrepresentable: "any", io });
		} catch {
			// a schema zod cannot express (e.g. a transform): the studio falls back to its JSON editor
		}
		jsonSchemas.set(schema, out);
	}
	return jsonSchemas.get(schema);
}

/**
 * A pending request with the JSON Schemas of its human checkpoint (`human(name, …)` declared in this
 * process): what it asks (`request_schema`) and what an answer must look like (`response_schema`).
 */
function withSchemas(value: unknown) {
	const name =
		typeof value === "object" && value !== null && "human" in value
			? (value as { human: unknown }).human
			: undefined;
	const schemas = typeof name === "string" ? humanSchemas(name) : undefined;
	return {
		human: typeof name === "string" ? name : null,
		request_schema:
			schemas === undefined ? null : jsonSchemaOf(schemas.request, "output"),
		response_schema:
			schemas === undefined ? null : jsonSchemaOf(schemas.response, "input"),
	};
}

/** The studio: its read/answer API at `/studio/api` (graph optional) and its static files at `/studio`. */
export function studioRoutes(
	ctx: ServerContext,
	options: StudioOptions = {},
	closing?: AbortSignal,
): Hono<Env> {
	const app = new Hono<Env>();
	const dir = options.dir ?? DEFAULT_DIR;
	const graphOf = async (threadId: string, c: Context<Env>) => {
		const t = await ownedThread(ctx, c, threadId);
		const named = graphOfThread(ctx, t);
		const id =
			named === undefined ? await options.graphIdOf?.(threadId) : undefined;
		return {
			record: t,
			graph:
				named ??
				(id === undefined ? undefined : ctx.graphs.get(id)) ??
				(await options.resolveGraph?.(threadId)),
		};
	};
	const visible = (threadId: string, c: Context<Env>) => {
		const known = ctx.registry.threads.get(threadId);
		return known === undefined
			? ownerOf(c) === undefined
			: known.owner === ownerOf(c);
	};

	app.get("/api/info", (c) =>
		c.json({ graphs: [...ctx.graphs.keys()], can_run: ctx.graphs.size > 0 }),
	);
	app.get("/api/graphs/:graph_id", (c) => {
		const graphId = c.req.param("graph_id");
		const graph = ctx.graphs.get(graphId);
		if (graph === undefined)
			throw new WeftError("NOT_FOUND", `no graph "${graphId}" is registered`, {
				hint: `registered: ${[...ctx.graphs.keys()].join(", ") || "none"}`,
			});
		return c.json(graph.describe());
	});
	app.get("/api/threads", async (c) => {
		const { offset, limit, q: text } = query(c, StudioThreadsQuery);
		const q = text.toLowerCase();
		const rows = [];
		for (const t of await ctx.checkpointer.listThreads()) {
			if (!visible(t.threadId, c)) continue;
			const record = ctx.registry.threads.get(t.threadId);
			const metadata = record?.metadata ?? {};
			if (
				q !== "" &&
				!`${t.threadId} ${JSON.stringify(metadata)}`.toLowerCase().includes(q)
			)
				continue;
			const busy = ctx.runs.activeRun(t.threadId) !== undefined;
			rows.push({
				thread_id: t.threadId,
				status: statusOf(t, busy),
				created_at: t.createdAt,
				updated_at: t.updatedAt,
				step: t.step,
				checkpoints: t.checkpoints,
				branches: t.heads.length,
				metadata,
				graph_id:
					record?.graphId ??
					(ctx.graphs.size === 1 ? [...ctx.graphs.keys()][0] : null),
			});
		}
		rows.sort((a, b) => b.updated_at.localeCompare(a.updated_at));
		return c.json({
			total: rows.length,
			threads: rows.slice(offset, offset + limit),
		});
	});
	// newest first, a page at a time: `before` is the cursor (the last checkpoint of the previous page)
	app.get("/api/threads/:thread_id/tree", async (c) => {
		const threadId = c.req.param("thread_id");
		await ownedThread(ctx, c, threadId);
		const { limit, before: cursor } = query(c, StudioTreeQuery);
		const out = await treeRows(ctx, threadId, limit + 1, cursor || undefined);
		const more = out.length > limit;
		if (more) out.pop();
		if (more) c.header("x-next-cursor", out[out.length - 1]!.checkpoint_id);
		return c.json(out);
	});
	app.get("/api/threads/:thread_id/checkpoints/:checkpoint_id", async (c) => {
		const threadId = c.req.param("thread_id");
		const checkpointId = c.req.param("checkpoint_id");
		const { graph } = await graphOf(threadId, c);
		const tuple = await ctx.checkpointer.getTuple({ threadId, checkpointId });
		if (tuple === undefined)
			throw new WeftError(
				"CHECKPOINT_NOT_FOUND",
				`no checkpoint "${checkpointId}" in thread "${threadId}"`,
				{ hint: "pick a checkpoint from the thread's timeline" },
			);
		const cp = tuple.checkpoint;
		const writes: Record<string, Record<string, unknown>> = {};
		for (const [node, channel, value] of cp.data.writes)
			writes[node] = { ...writes[node], [channel]: toWire(value) };
		const snap =
			graph === undefined
				? undefined
				: await graph.getState({ threadId, checkpointId });
		return c.json({
			checkpoint_id: cp.checkpointId,
			parent_id: cp.parentId,
			step: cp.step,
			source: cp.source,
			created_at: cp.createdAt,
			metadata: cp.metadata,
			// without the graph, only a checkpoint that holds a snapshot has its full values
			values:
				snap !== undefined
					? toWire(snap.values)
					: cp.data.snapshot === undefined
						? null
						: toWire(cp.data.snapshot),
			next: cp.data.tasks.map((t) => t.node),
			writes,
			interrupts: pendingInterrupts(tuple).map((i) => ({
				...i,
				value: toWire(i.value),
				...withSchemas(i.value),
			})),
			// failures of the next step, recorded at this checkpoint (the step did not commit)
			errors: tuple.pendingWrites.flatMap((w) =>
				w.kind === "error"
					? [
							{
								node: w.node,
								code: w.code,
								message: w.message,
								hint: w.hint ?? null,
							},
						]
					: [],
			),
			has_graph: graph !== undefined,
		});
	});
	app.get("/api/inbox", async (c) => {
		const rows = [];
		for (const t of await ctx.checkpointer.listThreads()) {
			if (!mayBeWaiting(t) || !visible(t.threadId, c)) continue;
			const record = ctx.registry.threads.get(t.threadId);
			// a head whose stored data cannot be read never hides the others' requests (nor its thread's other
			// branches'): it is listed as unreadable, with the store's error (CORRUPT_CHECKPOINT names it)
			const waiting = await waitingRequests(ctx.checkpointer, t, {
				unreadable: (error, head) =>
					rows.push({
						thread_id: t.threadId,
						checkpoint_id: head,
						unreadable: { code: error.code, message: error.message },
						updated_at: t.updatedAt,
						graph_id: record?.graphId ?? null,
					}),
			});
			const graphId =
				waiting.length === 0
					? null
					: (record?.graphId ??
						(ctx.graphs.size === 1
							? [...ctx.graphs.keys()][0]
							: await options.graphIdOf?.(t.threadId)) ??
						null);
			for (const i of waiting)
				rows.push({
					thread_id: t.threadId,
					checkpoint_id: i.checkpointId,
					interrupt_id: i.id,
					node: i.node,
					value: toWire(i.value),
					...withSchemas(i.value),
					updated_at: t.updatedAt,
					graph_id: graphId,
				});
		}
		rows.sort((a, b) => b.updated_at.localeCompare(a.updated_at));
		return c.json(rows);
	});

	// runs starting and ending, so the studio refreshes what they change and streams the ones it shows
	app.get("/api/events", (c) =>
		streamSSE(c, async (stream) => {
			let left = false;
			stream.onAbort(() => {
				left = true;
			});
			// ids go on from the client's last one, so they never repeat for it
			let id = Number(c.req.header("Last-Event-ID") ?? 0) || 0;
			const seen = new Map<string, string>();
			let first = true;
			while (!left && closing?.aborted !== true) {
				for (const run of ctx.registry.runs.values()) {
					if (run.owner !== ownerOf(c) || seen.get(run.runId) === run.status)
						continue;
					seen.set(run.runId, run.status);
					// on (re)connecting, only the runs going on now are news (then `ready`: read again)
					if (first && run.status !== "pending" && run.status !== "running")
						continue;
					await stream.writeSSE({
						id: String(++id),
						event: "run",
						data: JSON.stringify({
							run_id: run.runId,
							thread_id: run.threadId,
							status: run.status,
						}),
					});
				}
				if (first) await stream.writeSSE({ event: "ready", data: "{}" });
				first = false;
				await stream.sleep(200);
			}
		}),
	);

	app.get("/*", async (c) => {
		const build = studioBuild({ dir });
		if (!build.built)
			return c.json(
				{
					detail: `the studio is not built (no ${join(dir, "index.html")})`,
					code: "NOT_FOUND",
					hint: build.hint,
				},
				404,
			);
		const rel = normalize(c.req.path.replace(/^\/studio\/?/, "")).replace(
			/^(\.\.[/\\])+/,
			"",
		);
		const file = join(dir, rel);
		const served =
			rel !== "" && rel !== "." && file.startsWith(dir) && isFile(file);
		// the app's own paths fall back to its page; an API route or a build file that is not there is a 404
		// (a page of an older build asking for its bundle gets no HTML as JavaScript)
		if (!served && /^(api|assets)([\\/]|$)/.test(rel))
			return c.json(
				{
					detail: `no ${c.req.path} here`,
					code: "NOT_FOUND",
					hint: rel.startsWith("api")
						? "the studio's API is /studio/api/info, /graphs/:id, /threads, /threads/:id/tree, /threads/:id/checkpoints/:id, /inbox and /events"
						: "reload the studio: the page is older than the build it asks files of",
				},
				404,
			);
		const target = served ? file : join(dir, "index.html");
		return c.body(new Uint8Array(await readFile(target)), 200, {
			"content-type": TYPES[extname(target)] ?? "application/octet-stream",
		});
	});
	return app;
}

/** `path` is a file (not a folder: reading one failed the request with EISDIR). */
function isFile(path: string): boolean {
	return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}
