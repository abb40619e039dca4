/**
 * LangGraph's routes that Weft does not answer, each with what it is and what to do instead: an unknown
 * route of these answers a 404 that names what is not supported, rather than "no route" (the SDK shows
 * the answer's `detail` in its error).
 */
const UNSUPPORTED: Array<{
	method: string;
	path: RegExp;
	what: string;
	why: string;
	hint: string;
}> = [
	{
		method: "POST|PATCH|DELETE",
		path: /^\/assistants(\/[^/]+)?$/,
		what: "assistants",
		why: "beyond one per registered graph: they are not created, changed or deleted over HTTP",
		hint: "register graphs in weft.json, with --graph or serve({ graphs }); give per-run settings in the run's context or config",
	},
	{
		method: "POST",
		path: /^\/assistants\/[^/]+\/(versions|latest)$/,
		what: "assistant versions",
		why: "an assistant is its graph as the server registered it",
		hint: "change the graph and restart the server",
	},
	{
		method: "GET|POST|PATCH|DELETE",
		path: /^(\/threads\/[^/]+)?\/runs\/crons(\/.*)?$/,
		what: "crons",
		why: "Weft's server runs nothing on a schedule",
		hint: "schedule runs from outside: a system cron or a scheduler that calls runs.create (runs.createBatch for stateless runs)",
	},
	{
		method: "GET",
		path: /^\/threads\/[^/]+\/stream$/,
		what: "thread streams",
		why: "a stream is a run's",
		hint: "join a run's stream with runs.joinStream(thread, run); runs.list(thread) gives the thread's runs",
	},
	{
		method: "GET|POST",
		path: /^\/ui(\/.*)?$/,
		what: "UI components",
		why: "Weft serves no generative UI bundles",
		hint: "ship the components with your front end",
	},
];

/** The 404 body for a LangGraph route Weft does not support, or undefined for any other route. */
export function unsupportedRoute(
	method: string,
	path: string,
): { detail: string; code: "NOT_FOUND"; hint: string } | undefined {
	const found = UNSUPPORTED.find(
		(u) => u.method.split("|").includes(method) && u.path.test(path),
	);
	return found === undefined
		? undefined
		: {
				detail: `${method} ${path}: ${found.what} are not supported (${found.why})`,
				code: "NOT_FOUND",
				hint: found.hint,
			};
}
