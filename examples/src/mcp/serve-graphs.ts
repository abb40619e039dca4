import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { END, human, MemoryCheckpointer, START, StateGraph } from "@weft/graph";
import { z } from "zod";

// #region graph
// publish.ts: a graph with a human checkpoint, served with
//   weft mcp --graph publish=./publish.ts#graph
const approval = human("approval", {
	request: z.object({ post: z.string() }),
	response: z.object({ approved: z.boolean() }),
});
export const graph = new StateGraph(
	z.object({
		topic: z.string(),
		post: z.string().default(""),
		published: z.boolean().default(false),
	}),
)
	.addNode("draft", (s) => ({ post: `Why ${s.topic} matters` }))
	.addNode("approve", async (s, ctx) => ({
		published: (await approval.ask(ctx, { post: s.post })).approved,
	}))
	.addEdge(START, "draft")
	.addEdge("draft", "approve")
	.addEdge("approve", END)
	.compile({ checkpointer: new MemoryCheckpointer() });
// #endregion graph

/** Drives `weft mcp` with the SDK's client: `command` and `args` start it. */
export async function main(command: string, args: string[]) {
	// #region client
	const client = new Client({ name: "my-app", version: "1.0.0" });
	await client.connect(new StdioClientTransport({ command, args })); // e.g. "weft", ["mcp", "--graph", …]
	const { tools } = await client.listTools(); // publish (input: the graph's state), publish_resume
	const first = await client.callTool({
		name: "publish",
		arguments: { topic: "durable agents" },
	});
	// first.structuredContent: { status: "interrupted", threadId, interrupts: [{ id, node, value }] }
	const { threadId } = first.structuredContent as { threadId: string };
	const second = await client.callTool({
		name: "publish_resume",
		arguments: { threadId, resume: { approved: true } },
	});
	// second.structuredContent: { status: "done", threadId, values: { topic, post, published: true } }
	await client.close();
	// #endregion client
	return { tools: tools.map((t) => t.name), first, second };
}
