import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import type { Store } from "@weft/checkpoint";
import type { CompiledGraph } from "@weft/graph";
import type { Command as Program } from "commander";
import { UsageError } from "../cli-error.ts";
import { loadGraph } from "../load-graph.ts";
import { openStore, type StoreOptions } from "../store.ts";
import { openEvalStore } from "./eval.ts";
import { parseGraphSpec } from "./mcp.ts";

type AnyGraph = CompiledGraph<any, any>;

interface DevOptions {
	config?: string;
	port: string;
	host: string;
	auth?: boolean;
}

/** The graphs of `weft.json` (`{ "graphs": { name: "./module.ts#export" } }`), paths relative to it. */
export function graphsOfConfig(file: string): [string, string][] {
	let parsed: unknown;
	try {
		parsed = JSON.parse(readFileSync(file, "utf8"));
	} catch (error) {
		throw new UsageError(
			`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`,
			'a weft.json holds { "graphs": { "name": "./src/graph.ts#graph" } }',
		);
	}
	const graphs = (parsed as { graphs?: unknown }).graphs;
	if (typeof graphs !== "object" || graphs === null)
		throw new UsageError(
			`${file} has no "graphs" object`,
			'add { "graphs": { "name": "./src/graph.ts#graph" } }',
		);
	return Object.entries(graphs).map(([name, ref]) => {
		const spec = String(ref);
		return [name, isAbsolute(spec) ? spec : resolve(dirname(file), spec)];
	});
}

/** The `--graph` values given after `dev` (the global `--graph` keeps only the last). */
export function graphSpecs(program: Program, command: string): string[] {
	const raw =
		(program as unknown as { rawArgs?: string[] }).rawArgs ?? process.argv;
	const specs: string[] = [];
	for (let i = raw.indexOf(command) + 1; i < raw.length; i++) {
		const a = raw[i]!;
		if (a === "--graph" && raw[i + 1] !== undefined) specs.push(raw[++i]!);
		else if (a.startsWith("--graph=")) specs.push(a.slice("--graph=".length));
	}
	return specs;
}

/**
 * Serves the graphs over HTTP (LangGraph-SDK compatible) with runs executed in this process, on SQLite
 * (`--db`), until SIGINT or SIGTERM. Prints one line with the URL when ready. Returns the exit code.
 */
export async function dev(
	specs: string[],
	o: DevOptions,
	store: StoreOptions,
): Promise<number> {
	const refs: [string, string][] = [];
	if (o.config !== undefined) refs.push(...graphsOfConfig(resolve(o.config)));
	for (const spec of specs) {
		const { name, module } = parseGraphSpec(spec);
		refs.push([name, module]);
	}
	if (refs.length === 0)
		throw new UsageError(
			"weft dev needs a graph",
			"pass --graph name=module#export or --config weft.json",
		);
	const checkpointer = await openStore(store);
	const graphs: Record<string, AnyGraph> = {};
	for (const [name, module] of refs) {
		if (graphs[name] !== undefined)
			throw new UsageError(
				`two graphs are named "${name}"`,
				"give each graph its own name",
			);
		graphs[name] = (await loadGraph(module, checkpointer)).graph;
	}
	const { bearerTokens, serve, openPostgresRecords, openSqliteRecords } =
		await import("@weft/server");
	const memory = await openMemoryStore(store);
	const feedback = await openEvalStore(store);
	const records =
		store.postgres !== undefined
			? await openPostgresRecords(store.postgres)
			: (store.db ?? "weft.db") === ":memory:"
				? undefined
				: await openSqliteRecords(store.db ?? "weft.db");
	// the studio shows each model call's prompt and answer: kept in checkpoint metadata (decision 0026)
	(await import("@weft/graph")).configureTelemetry({ recordContent: true });
	const server = await serve({
		graphs,
		checkpointer,
		records,
		store: memory,
		feedback,
		port: Number(o.port),
		hostname: o.host,
		authenticate: o.auth === true ? bearerTokens() : undefined,
	});
	process.stdout.write(
		`weft dev: listening on http://${o.host}:${server.port} (graphs: ${Object.keys(graphs).join(", ")})\n`,
	);
	await new Promise<void>((done) => {
		process.once("SIGINT", done);
		process.once("SIGTERM", done);
	});
	await server.close();
	await memory.close();
	await feedback.close?.();
	await records?.close();
	await checkpointer.close?.();
	return 0;
}

/** The long-term memory `weft dev` serves at `/store` and gives runs: beside the checkpoints. */
async function openMemoryStore(options: StoreOptions): Promise<Store> {
	if (options.postgres !== undefined) {
		const { PostgresStore } = await import("@weft/checkpoint-postgres");
		return PostgresStore.connect({ connectionString: options.postgres });
	}
	const { SqliteStore } = await import("@weft/checkpoint-sqlite");
	return new SqliteStore({ path: options.db ?? "weft.db" });
}

/** Registers `weft dev` on the program. */
export function registerDev(
	program: Program,
	exit: (code: number) => void,
	report: (error: unknown) => number,
): void {
	program
		.command("dev")
		.description(
			"serve graphs over HTTP (LangGraph SDK compatible), runs in this process on SQLite",
		)
		.option(
			"--config <file>",
			"weft.json with { graphs: { name: module#export } }",
		)
		.option("--port <n>", "port (0: any free one)", "2024")
		.option("--host <host>", "interface to listen on", "127.0.0.1")
		.option(
			"--auth",
			"require Authorization: Bearer <token> for a token in WEFT_API_TOKENS",
		)
		.action(async (o: DevOptions) => {
			try {
				exit(
					await dev(
						graphSpecs(program, "dev"),
						o,
						program.opts<StoreOptions>(),
					),
				);
			} catch (error) {
				exit(report(error));
			}
		});
}
