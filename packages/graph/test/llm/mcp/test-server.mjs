// A small MCP server for the tests: stdio by default, or streamable HTTP on loopback with --http
// (prints "listening <port>" once ready). With --hang-list it never answers tools/list; with --big it has
// a tool `big` answering `bytes` characters; with --names=a,b,… it has only tools of those names (each
// answering its name); with MCP_TEST_PID_FILE set it writes its pid there once started.
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

if (process.env.MCP_TEST_PID_FILE)
	writeFileSync(process.env.MCP_TEST_PID_FILE, String(process.pid));

function makeServer() {
	const server = new McpServer({ name: "test-server", version: "1.0.0" });
	const names = process.argv.find((a) => a.startsWith("--names="));
	if (names !== undefined) {
		for (const name of names.slice("--names=".length).split(","))
			server.registerTool(name, { inputSchema: {} }, async () => ({
				content: [{ type: "text", text: name }],
			}));
		return server;
	}
	server.registerTool(
		"add",
		{
			description: "Add two numbers",
			inputSchema: { a: z.number(), b: z.number() },
		},
		async ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }] }),
	);
	server.registerTool(
		"shout",
		{ description: "Upper-case a text", inputSchema: { text: z.string() } },
		async ({ text }) => ({
			content: [{ type: "text", text: text.toUpperCase() }],
		}),
	);
	server.registerTool(
		"fail",
		{ description: "Always fails", inputSchema: {} },
		async () => ({
			isError: true,
			content: [{ type: "text", text: "it broke" }],
		}),
	);
	server.registerTool(
		"wait",
		{
			description: "Answers after ms milliseconds",
			inputSchema: { ms: z.number() },
		},
		async ({ ms }) => {
			await new Promise((r) => setTimeout(r, ms));
			return { content: [{ type: "text", text: `waited ${ms}` }] };
		},
	);
	server.registerTool(
		"slow",
		{
			description:
				"Answers after ms milliseconds, reporting progress every `every` ms when the call asked for it",
			inputSchema: { ms: z.number(), every: z.number() },
		},
		async ({ ms, every }, extra) => {
			const token = extra._meta?.progressToken;
			for (let done = 0; done < ms; done += every) {
				await new Promise((r) => setTimeout(r, every));
				if (token !== undefined)
					await extra.sendNotification({
						method: "notifications/progress",
						params: { progressToken: token, progress: done + every, total: ms },
					});
			}
			return { content: [{ type: "text", text: `slow ${ms}` }] };
		},
	);
	server.registerTool(
		"die",
		{
			description:
				"Exits the server mid-call, saying why on stderr (after afterMs milliseconds, if given)",
			inputSchema: { afterMs: z.number().optional() },
		},
		async ({ afterMs }) => {
			const die = () => {
				process.stderr.write("dying now: out of coffee\n");
				process.exit(7);
			};
			if (afterMs === undefined) die();
			// over HTTP the answer's stream has started by then
			setTimeout(die, afterMs);
			return new Promise(() => {});
		},
	);
	if (process.argv.includes("--big"))
		server.registerTool(
			"big",
			{
				description: "Answers a text of `bytes` characters",
				inputSchema: { bytes: z.number() },
			},
			async ({ bytes }) => ({
				content: [{ type: "text", text: "x".repeat(bytes) }],
			}),
		);
	if (process.argv.includes("--hang-list"))
		server.server.setRequestHandler(
			ListToolsRequestSchema,
			() => new Promise(() => {}),
		);
	return server;
}

if (process.argv.includes("--http")) {
	const http = createServer(async (req, res) => {
		// stateless: a server and transport per request
		const server = makeServer();
		const transport = new StreamableHTTPServerTransport({
			sessionIdGenerator: undefined,
		});
		res.on("close", () => {
			void transport.close();
			void server.close();
		});
		await server.connect(transport);
		let body = "";
		for await (const chunk of req) body += chunk;
		await transport.handleRequest(
			req,
			res,
			body === "" ? undefined : JSON.parse(body),
		);
	});
	http.listen(0, "127.0.0.1", () => {
		process.stdout.write(`listening ${http.address().port}\n`);
	});
} else {
	await makeServer().connect(new StdioServerTransport());
}
