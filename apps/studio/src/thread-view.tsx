import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { RequestView } from "./answer-form.tsx";
import { ApiError, api, type CheckpointRow } from "./api.ts";
import { Diff } from "./diff.tsx";
import { ErrorNote } from "./error-note.tsx";
import { ForkPanel } from "./fork-panel.tsx";
import { GraphView } from "./graph-view.tsx";
import { LiveRun } from "./live-run.tsx";
import { StepDetails } from "./step-details.tsx";
import { Timeline } from "./timeline.tsx";
import { useTreePages } from "./use-tree-pages.ts";
import { StateValues } from "./values.tsx";

/** One thread: timeline tree, the state at the chosen checkpoint, a diff of two, the graph, fork and replay. */
export function ThreadView({ threadId }: { threadId: string }) {
	const info = useQuery({ queryKey: ["info"], queryFn: api.info });
	// refreshed by the studio's event stream and the live run's steps (live.ts), not by polling
	const threads = useQuery({
		queryKey: ["thread-row", threadId],
		queryFn: () => api.threads(threadId, 0, 50),
	});
	const row = threads.data?.threads.find((t) => t.thread_id === threadId);
	// paged, newest first; refreshed by the event stream and the live run's steps (live.ts)
	const tree = useTreePages(threadId);
	// the run going on now (kept up to date by useStudioEvents), followed live; the last one stays shown
	const active = useQuery({
		queryKey: ["active-run", threadId],
		queryFn: () => api.activeRun(threadId),
		staleTime: Number.POSITIVE_INFINITY,
		// asked once the thread is known to be there (a missing one has no runs to ask about)
		enabled: tree.rows !== undefined,
	});
	// a failed thread says why (a node's error shows with its step; a run stopped by its recursion limit
	// or its timeout has no step to show it with)
	const failure = useQuery({
		queryKey: ["last-failure", threadId, row?.updated_at],
		queryFn: () => api.lastFailure(threadId),
		enabled: row?.status === "failed",
	});
	const [watched, setWatched] = useState<string>();
	useEffect(() => {
		if (active.data != null) setWatched(active.data.run_id);
	}, [active.data]);
	const [picked, setPicked] = useState<string>();
	const [compare, setCompare] = useState<string[]>([]);
	const selected = picked ?? tree.rows?.[0]?.checkpoint_id;
	const state = useQuery({
		queryKey: ["cp", threadId, selected],
		queryFn: () => api.checkpoint(threadId, selected!),
		enabled: selected !== undefined,
	});
	const toggle = (id: string) =>
		setCompare((c) =>
			c.includes(id) ? c.filter((x) => x !== id) : [...c.slice(-1), id],
		);
	const graphId = row?.graph_id ?? undefined;
	// a missing thread stays shown as missing while it is read again (the event stream's connect reads it
	// again, and a read of a query without data clears its error until it fails again: the thread's
	// columns showed meanwhile, "no graph registered" and all)
	const [missing, setMissing] = useState<unknown>();
	useEffect(() => {
		if (isMissing(tree.error)) setMissing(tree.error);
		else if (tree.rows !== undefined) setMissing(undefined);
	}, [tree.error, tree.rows]);
	if (
		isMissing(tree.error) ||
		(missing !== undefined && tree.rows === undefined)
	)
		return (
			<section className="thread" aria-label={`thread ${threadId}`}>
				<h2>
					thread <code>{threadId}</code>
				</h2>
				<ErrorNote error={tree.error ?? missing} />
				<p>
					<a href="#/">all threads</a>
				</p>
			</section>
		);
	return (
		<section className="thread" aria-label={`thread ${threadId}`}>
			<h2>
				thread <code>{threadId}</code>{" "}
				{row !== undefined && (
					<span
						className={`status status-${row.status}`}
						data-testid="thread-status"
					>
						{row.status}
					</span>
				)}
			</h2>
			<ErrorNote error={tree.error} />
			{row?.status === "failed" && failure.data != null && (
				<div className="last-failure">
					the last run failed: <ErrorNote error={failure.data} />
				</div>
			)}
			{watched !== undefined && <LiveRun threadId={threadId} runId={watched} />}
			<div className="columns">
				<div className="col-timeline">
					<h3>timeline</h3>
					{tree.rows !== undefined && (
						<Timeline
							rows={tree.rows}
							total={row?.checkpoints}
							hasMore={tree.hasMore}
							onLoadMore={tree.loadMore}
							selected={selected}
							compare={compare}
							onSelect={setPicked}
							onCompare={toggle}
						/>
					)}
				</div>
				<div className="col-state">
					{compare.length === 2 ? (
						<>
							<button type="button" onClick={() => setCompare([])}>
								close diff
							</button>
							<Diff threadId={threadId} a={compare[0]!} b={compare[1]!} />
						</>
					) : (
						<>
							<ErrorNote error={state.error} />
							{state.data !== undefined && (
								<section className="state" aria-label="state">
									<h3>
										step {state.data.step} · {state.data.source} ·{" "}
										<code>{state.data.checkpoint_id}</code>
									</h3>
									<p>next: {state.data.next.join(", ") || "(end)"}</p>
									{state.data.interrupts.map((i) => (
										<div key={i.id} className="interrupt">
											waiting at <code>{i.node}</code> for an answer (
											<a href="#/inbox">inbox</a>):
											<RequestView
												schema={i.request_schema}
												value={
													(i.value as { request?: unknown } | null)?.request ??
													i.value
												}
											/>
										</div>
									))}
									{state.data.values === null ? (
										<p>
											the full state needs the thread's graph; this step's
											writes:
										</p>
									) : (
										<StateValues values={state.data.values} />
									)}
									<StepDetails
										state={state.data}
										wallMs={wallTime(tree.rows, state.data.checkpoint_id)}
									/>
									<details open={state.data.values === null}>
										<summary>writes of this step</summary>
										{Object.entries(state.data.writes).map(([node, w]) => (
											<div key={node}>
												<h4>{node}</h4>
												<StateValues values={w} />
											</div>
										))}
									</details>
									{info.data?.can_run === true &&
										graphId !== undefined &&
										state.data.values !== null && (
											<ForkPanel
												// one panel per checkpoint: its editor starts from that checkpoint's state (a kept
												// panel showed the previous step's values under the new step's header)
												key={state.data.checkpoint_id}
												threadId={threadId}
												graphId={graphId}
												checkpointId={state.data.checkpoint_id}
												values={state.data.values}
												onStarted={(runId) => {
													setWatched(runId);
													setPicked(undefined); // the newest checkpoint, as the run makes them
												}}
											/>
										)}
								</section>
							)}
						</>
					)}
				</div>
				<div className="col-graph">
					<h3>graph</h3>
					{graphId !== undefined && info.data?.graphs.includes(graphId) ? (
						<GraphView
							graphId={graphId}
							ran={Object.keys(state.data?.writes ?? {})}
							next={state.data?.next ?? []}
						/>
					) : (
						<p>no graph registered for this thread</p>
					)}
				</div>
			</div>
		</section>
	);
}

/** Milliseconds from a checkpoint's parent to it, from the timeline rows. */
function wallTime(
	rows: CheckpointRow[] | undefined,
	id: string,
): number | undefined {
	const row = rows?.find((r) => r.checkpoint_id === id);
	const parent = rows?.find((r) => r.checkpoint_id === row?.parent_id);
	if (row === undefined || parent === undefined) return undefined;
	return Date.parse(row.created_at) - Date.parse(parent.created_at);
}

/** The thread is not in the store (the tree answered 404): there is nothing else to show. */
const isMissing = (error: unknown) =>
	error instanceof ApiError && error.code === "NOT_FOUND";
