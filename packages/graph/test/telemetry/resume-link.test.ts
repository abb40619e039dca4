import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command } from "@weft/graph";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approvalGraph } from "./fixtures/approval-graph.ts";
import { one, startOtel } from "./otel-harness.ts";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const tsx = pathToFileURL(
	createRequire(join(root, "package.json")).resolve("tsx"),
).href;
const first = fileURLToPath(
	new URL("./fixtures/first-process.ts", import.meta.url),
);

let otel: ReturnType<typeof startOtel>;
const dir = mkdtempSync(join(tmpdir(), "weft-otel-"));
beforeAll(() => {
	otel = startOtel();
});
afterAll(async () => {
	await otel.stop();
	rmSync(dir, { recursive: true, force: true });
});

describe("a run resumed in another process", () => {
	it("links to the trace of the run it continues, through the checkpoint's traceparent", async () => {
		const db = join(dir, "weft.db");
		const child = spawnSync(
			process.execPath,
			["--conditions", "@weft/source", "--import", tsx, first, db],
			{ encoding: "utf8", timeout: 120_000 },
		);
		expect(child.stderr).toBe("");
		const paused = JSON.parse(child.stdout) as {
			status: string;
			traceId: string;
			spanId: string;
		};
		expect(paused.status).toBe("interrupted");

		const graph = approvalGraph(db);
		const state = await graph.getState({ threadId: "resume-1" });
		expect(state.values.draft).toBe("hello!");
		const done = await graph.run(new Command({ resume: true }), {
			threadId: "resume-1",
		});
		expect(done.values.ok).toBe(true);

		const run = one(otel.spans(), "weft.run approval");
		expect(run.spanContext().traceId).not.toBe(paused.traceId);
		expect(run.attributes["weft.resume"]).toBe(true);
		expect(run.links).toHaveLength(1);
		expect(run.links[0]!.context).toMatchObject({
			traceId: paused.traceId,
			spanId: paused.spanId,
		});
		expect(run.attributes["weft.interrupt.wait_s"]).toBeGreaterThanOrEqual(0);
		const waits = await otel.metric("weft.interrupt.wait");
		expect(waits.length).toBe(1);
	});
});

// found from outside (6 Dec): a checkpoint written by updateState held no traceparent, so the run going
// on from an edited state (updateState, `weft fork --set`, the studio's edit) linked to nothing
describe("a run going on from a state edited with updateState", () => {
	it("links to the trace of the run that wrote the state it edits", async () => {
		otel.reset();
		const graph = approvalGraph(join(dir, "update.db"));
		const threadId = "update-1";
		const paused = await graph.run({ draft: "hi" }, { threadId });
		expect(paused.status).toBe("interrupted");
		const first = one(otel.spans(), "weft.run approval").spanContext();
		await graph.updateState({ threadId }, { draft: "edited" });
		otel.reset();
		const done = await graph.run(new Command({ resume: true }), { threadId });
		expect(done.values).toEqual({ draft: "edited", ok: true });
		const run = one(otel.spans(), "weft.run approval");
		expect(run.links.map((l) => l.context.spanId)).toEqual([first.spanId]);
		expect(run.links[0]!.attributes).toEqual({ "weft.link": "continues" });
	});
});
