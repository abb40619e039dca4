import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api, isActive, type RunRow } from "./api.ts";
import { ErrorNote } from "./error-note.tsx";
import { refreshThread } from "./live.ts";
import { follow } from "./sse.ts";

interface Streamed {
	id: string;
	node: string;
	text: string;
	chunks: number;
}

/**
 * A run as it goes: follows its SSE stream (`GET /threads/:id/runs/:run_id/stream`, resumed with
 * `Last-Event-ID` after a drop), shows the nodes as they finish and the tokens as they come, refreshes
 * the timeline at each step, and cancels the run on request. A run started without `updates` (another
 * client's `stream_mode: "values"` sends no `updates`) still marks each step: every checkpoint it saves
 * refreshes the timeline, where the nodes show, and is counted here.
 */
export function LiveRun({
	threadId,
	runId,
}: {
	threadId: string;
	runId: string;
}) {
	const client = useQueryClient();
	const [status, setStatus] = useState("running");
	const [steps, setSteps] = useState<string[]>([]);
	const [saved, setSaved] = useState(0);
	const [messages, setMessages] = useState<Streamed[]>([]);
	const [failure, setFailure] = useState<{ code: string; message: string }>();
	useEffect(() => {
		const stop = new AbortController();
		setStatus("running");
		setSteps([]);
		setSaved(0);
		setMessages([]);
		setFailure(undefined);
		const more = async () => {
			const run = await api.run(threadId, runId);
			setStatus(run.status);
			return isActive(run.status);
		};
		// the state a run going on from a checkpoint starts with, not counted as saved (`goesOn`)
		let startState = false;
		const on = (event: string, data: unknown) => {
			if (event === "updates") {
				const nodes = Object.keys(data as object).map((n) =>
					n === "__interrupt__" ? "paused for an answer" : n,
				);
				setSteps((s) => [...s, nodes.join(", ")]);
				refreshThread(client, threadId);
			} else if (event === "values") {
				// the state after a step (the pause's own `values` event repeats the last one)
				if (startState) startState = false;
				else if (
					!(
						data !== null &&
						typeof data === "object" &&
						"__interrupt__" in data
					)
				)
					setSaved((n) => n + 1);
				refreshThread(client, threadId);
			} else if (event === "messages") {
				const [m, meta] = data as [
					{ id?: string; content?: unknown },
					{ langgraph_node?: string },
				];
				const text = typeof m.content === "string" ? m.content : "";
				const id = m.id ?? "message";
				setMessages((list) => {
					const at = list.findIndex((x) => x.id === id);
					if (at < 0)
						return [
							...list,
							{ id, node: meta?.langgraph_node ?? "", text, chunks: 1 },
						];
					const next = [...list];
					const old = next[at]!;
					next[at] = { ...old, text: old.text + text, chunks: old.chunks + 1 };
					return next;
				});
			} else if (event === "error") {
				const e = data as { error: string; message: string };
				setFailure({ code: e.error, message: e.message });
			}
		};
		void api
			.run(threadId, runId)
			.then(
				(run) => {
					startState = goesOn(run);
				},
				() => {},
			)
			.then(() =>
				follow(api.runStreamUrl(threadId, runId), (e) => on(e.event, e.data), {
					signal: stop.signal,
					more,
				}),
			)
			.then(async () => {
				if (stop.signal.aborted) return;
				await more().catch(() => {});
				refreshThread(client, threadId);
			});
		return () => stop.abort();
	}, [client, threadId, runId]);
	const cancel = useMutation({
		mutationFn: () => api.cancelRun(threadId, runId),
	});
	return (
		<section
			className={`live-run status-${status}`}
			aria-label="live run"
			data-run={runId}
			data-status={status}
		>
			<h3>
				run <code>{runId.slice(0, 8)}</code> ·{" "}
				<span className={`status status-${status}`} data-testid="run-status">
					{status}
				</span>
				{isActive(status) && (
					<>
						{" "}
						<button
							type="button"
							disabled={cancel.isPending}
							onClick={() => cancel.mutate()}
						>
							cancel run
						</button>
					</>
				)}
			</h3>
			{steps.length > 0 && (
				<ol className="live-steps">
					{steps.map((s, i) => (
						// biome-ignore lint/suspicious/noArrayIndexKey: steps only grow
						<li key={i}>{s}</li>
					))}
				</ol>
			)}
			{steps.length === 0 && saved > 0 && (
				<p className="live-saved" data-testid="run-saved">
					{saved} {saved === 1 ? "checkpoint" : "checkpoints"} saved
				</p>
			)}
			{messages.map((m) => (
				<div key={m.id} className="live-tokens" data-chunks={m.chunks}>
					<small>
						{m.node} · {m.chunks} {m.chunks === 1 ? "chunk" : "chunks"}
					</small>
					<p>{m.text}</p>
				</div>
			))}
			{failure !== undefined && (
				<ErrorNote error={{ code: failure.code, message: failure.message }} />
			)}
			<ErrorNote error={cancel.error} />
		</section>
	);
}

/**
 * The run goes on from a checkpoint (a resume, or no input), so its first `values` event is the state it
 * goes on from (as LangGraph's server sends it), not one it saved. Input, or a command with an update,
 * is saved first: its first `values` event is that checkpoint.
 */
function goesOn(run: RunRow): boolean {
	const k = run.kwargs ?? {};
	return k.command != null
		? k.command.update == null
		: k.input === undefined || k.input === null;
}
