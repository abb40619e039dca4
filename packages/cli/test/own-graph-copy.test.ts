// A project with its own copy of @weft/graph, answered by a `weft` of another copy (one installed on its own,
// `npm i -g`, or npx's). Found from outside: `weft approve` failed with VALIDATION_FAILED "the run's input
// is invalid at update, goto, resume, hasResume": the CLI's Command was read as state (decision 0245).
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	realpathSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root, weft } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-own-copy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A project whose node_modules holds copies of @weft/graph's and @weft/checkpoint's builds, their
 * dependencies linked from the checkout's, and these modules.
 */
function project(files: Record<string, string>): string {
	const modules = join(dir, "node_modules");
	for (const name of ["graph", "checkpoint"]) {
		const pkg = join(root, "packages", name);
		const copy = join(modules, "@weft", name);
		mkdirSync(copy, { recursive: true });
		cpSync(join(pkg, "dist"), join(copy, "dist"), { recursive: true });
		cpSync(join(pkg, "package.json"), join(copy, "package.json"));
		for (const dep of readdirSync(join(pkg, "node_modules"))) {
			if (dep === "@weft" || dep === ".bin") continue;
			for (const entry of dep.startsWith("@")
				? readdirSync(join(pkg, "node_modules", dep)).map((n) => `${dep}/${n}`)
				: [dep]) {
				if (existsSync(join(modules, entry))) continue;
				mkdirSync(dirname(join(modules, entry)), { recursive: true });
				symlinkSync(
					realpathSync(join(pkg, "node_modules", entry)),
					join(modules, entry),
				);
			}
		}
	}
	writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
	for (const [file, text] of Object.entries(files))
		writeFileSync(join(dir, file), text);
	return dir;
}

describe("a project with its own copy of @weft/graph", () => {
	it("weft approve and weft resume answer its threads", async () => {
		const cwd = project({
			"graph.ts": `import { END, START, StateGraph } from "@weft/graph";
import { z } from "zod";
export const graph = new StateGraph(z.object({ n: z.number(), answer: z.string().optional() }))
	.addNode("ask", async (_s, ctx) => ({ answer: JSON.stringify(await ctx.interrupt({ q: "ok?" })) }))
	.addNode("after", (s) => ({ n: s.n + 1 }))
	.addEdge(START, "ask")
	.addEdge("ask", "after")
	.addEdge("after", END)
	.compile();
`,
		});
		const db = ["--db", join(cwd, "w.db")];
		for (const thread of ["a", "b"]) {
			const run = await weft(
				[
					...db,
					"run",
					join(cwd, "graph.ts"),
					"--thread",
					thread,
					"--input",
					'{"n":1}',
				],
				{ cwd },
			);
			expect(run.stderr).toBe("");
			expect(run.stdout).toContain("interrupted");
		}
		const approved = await weft([...db, "approve", "a"], { cwd });
		expect(approved.stderr).toBe("");
		expect(approved.code).toBe(0);
		expect(approved.stdout).toContain("done · thread a");
		const resumed = await weft([...db, "resume", "b", "--value", '"yes"'], {
			cwd,
		});
		expect(resumed.stderr).toBe("");
		const shown = await weft([...db, "show", "b", "--json"], { cwd });
		expect(shown.json.values).toEqual({ n: 2, answer: '"yes"' });
	});

	it("weft run -m stores its messages, and weft approve goes on", async () => {
		const cwd = project({
			"chat.ts": `import { END, START, StateGraph } from "@weft/graph";
import { messages } from "@weft/graph/llm";
import { AIMessage } from "@langchain/core/messages";
import { z } from "zod";
export const graph = new StateGraph(z.object({ messages: messages() }))
	.addNode("bot", () => ({ messages: [new AIMessage("hello back")] }))
	.addNode("ask", async (_s, ctx) => {
		await ctx.interrupt({ q: "send it?" });
		return {};
	})
	.addEdge(START, "bot")
	.addEdge("bot", "ask")
	.addEdge("ask", END)
	.compile();
`,
		});
		const db = ["--db", join(cwd, "m.db")];
		const run = await weft(
			[...db, "run", join(cwd, "chat.ts"), "--thread", "m", "-m", "hi"],
			{ cwd },
		);
		expect(run.stderr).toBe("");
		expect(run.stdout).toContain("interrupted");
		const approved = await weft([...db, "approve", "m"], { cwd });
		expect(approved.stderr).toBe("");
		expect(approved.stdout).toContain("done · thread m");
		const shown = await weft([...db, "show", "m", "--json"], { cwd });
		expect(
			shown.json.values.messages.map((m: { content: string }) => m.content),
		).toEqual(["hi", "hello back"]);
	});
});
