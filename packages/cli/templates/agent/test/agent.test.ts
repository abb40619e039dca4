import assert from "node:assert/strict";
import { test } from "node:test";
import { Command, MemoryCheckpointer } from "@weft/graph";
import { makeAgent } from "../src/agent.ts";

test("the agent asks before it sends, and sends once approved", async () => {
	const agent = makeAgent().withCheckpointer(new MemoryCheckpointer());
	const config = { threadId: "t1", context: { scopes: ["mail:send"] } };
	const paused = await agent.run(
		{
			messages: [
				{ role: "user", content: "Tell Bob the release is on Friday" },
			],
		},
		config,
	);
	assert.equal(paused.status, "interrupted");
	const done = await agent.run(
		new Command({ resume: { action: "approve" } }),
		config,
	);
	assert.equal(done.status, "done");
	assert.match(
		String(done.values.messages.at(-1)?.content),
		/sent to bob@example.com/,
	);
});
