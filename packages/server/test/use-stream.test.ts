import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { JSDOM } from "jsdom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startWeft } from "./fixtures/weft-dev.ts";

// A DOM for React only (window and document from jsdom; Node keeps its own fetch, URL and typed arrays),
// set before react-dom loads. The server runs as `weft dev` in its own process.
const dom = new JSDOM("<!doctype html><html><body></body></html>");
Object.assign(globalThis, {
	window: dom.window,
	document: dom.window.document,
	navigator: dom.window.navigator,
	IS_REACT_ACT_ENVIRONMENT: true,
});
const { useStream } = await import("@langchain/langgraph-sdk/react");
const { act, renderHook, waitFor } = await import("@testing-library/react");
const { useState } = await import("react");

const graphs = fileURLToPath(new URL("./fixtures/graphs.ts", import.meta.url));
let dir: string;
let server: ServerProcess;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-use-stream-"));
	server = await startWeft([
		"--db",
		join(dir, "weft.db"),
		"dev",
		"--graph",
		`review=${graphs}#review`,
		"--port",
		"0",
	]);
}, 60_000);
afterAll(async () => {
	await server?.stop();
	rmSync(dir, { recursive: true, force: true });
	dom.window.close();
});

type ReviewState = { topic: string; notes: string[]; approved: boolean };

describe("useStream from @langchain/langgraph-sdk/react against weft dev", () => {
	it("submits input, sees values and the interrupt, and resumes it", {
		timeout: 60_000,
	}, async () => {
		let threadId: string | null = null;
		// as an app does it: the thread id lives in the component's state
		const { result } = renderHook(() => {
			const [id, setId] = useState<string | null>(null);
			threadId = id;
			const stream = useStream<
				ReviewState,
				{ InterruptType: { question: string } }
			>({
				apiUrl: server.url,
				assistantId: "review",
				threadId: id,
				onThreadId: setId,
			});
			// what a component renders (useStream asks the server for the stream modes that are read)
			void [stream.values, stream.interrupt];
			return stream;
		});
		await act(async () => {
			await result.current.submit({ topic: "tea" });
		});
		await waitFor(
			() =>
				expect(result.current.interrupt?.value).toEqual({
					question: "approve?",
				}),
			{ timeout: 20_000 },
		);
		expect(result.current.values.notes).toEqual(["plan tea"]);
		expect(threadId).toBeTruthy();
		await act(async () => {
			await result.current.submit(undefined, { command: { resume: "yes" } });
		});
		await waitFor(() => expect(result.current.values.approved).toBe(true), {
			timeout: 20_000,
		});
		expect(result.current.values.notes).toEqual(["plan tea", "review yes"]);
		await waitFor(() => expect(result.current.interrupt).toBeUndefined(), {
			timeout: 20_000,
		});
		expect(result.current.error).toBeUndefined();
	});

	it("calls onCheckpointEvent, onTaskEvent and onDebugEvent with the run's checkpoints and tasks (ids as the thread's history has them)", {
		timeout: 60_000,
	}, async () => {
		const checkpoints: Array<{ checkpoint: { checkpoint_id: string } }> = [];
		const tasks: Array<{ id: string; name: string }> = [];
		const debug: Array<{ type: string }> = [];
		let threadId: string | null = null;
		const { result } = renderHook(() => {
			const [id, setId] = useState<string | null>(null);
			threadId = id;
			return useStream<ReviewState>({
				apiUrl: server.url,
				assistantId: "review",
				threadId: id,
				onThreadId: setId,
				onCheckpointEvent: (data) => {
					checkpoints.push(data as never);
				},
				onTaskEvent: (data) => {
					tasks.push(data as never);
				},
				onDebugEvent: (data) => {
					debug.push(data as never);
				},
			});
		});
		await act(async () => {
			await result.current.submit({ topic: "tea" });
		});
		await waitFor(() => expect(result.current.isLoading).toBe(false), {
			timeout: 20_000,
		});
		const { Client } = await import("@langchain/langgraph-sdk");
		const history = await new Client({ apiUrl: server.url }).threads.getHistory(
			threadId!,
		);
		expect(checkpoints.map((c) => c.checkpoint.checkpoint_id)).toEqual(
			history.map((h) => h.checkpoint.checkpoint_id).reverse(),
		);
		// plan started and ended, review started and asked
		expect(tasks.map((t) => t.name)).toEqual([
			"plan",
			"plan",
			"review",
			"review",
		]);
		expect(tasks[2]!.id).toBe(history[0]!.tasks[0]!.id);
		expect(debug.map((d) => d.type)).toEqual([
			"checkpoint",
			"task",
			"task_result",
			"checkpoint",
			"task",
			"task_result",
		]);
	});
});
