import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "./api.ts";
import { Diff } from "./diff.tsx";
import { ErrorNote } from "./error-note.tsx";
import { ForkPanel } from "./fork-panel.tsx";
import { GraphView } from "./graph-view.tsx";
import { Timeline } from "./timeline.tsx";
import { useTreePages } from "./use-tree-pages.ts";
import { StateValues, ValueView } from "./values.tsx";

/** One thread: timeline tree, the state at the chosen checkpoint, a diff of two, the graph, fork and replay. */
export function ThreadView({ threadId }: { threadId: string }) {
	const info = useQuery({ queryKey: ["info"], queryFn: api.info });
	const threads = useQuery({
		queryKey: ["thread-row", threadId],
		queryFn: () => api.threads(threadId, 0, 50),
		refetchInterval: 3000,
	});
	const row = threads.data?.threads.find((t) => t.thread_id === threadId);
	const tree = useTreePages(threadId);
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
											<ValueView value={i.value} />
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
												threadId={threadId}
												graphId={graphId}
												checkpointId={state.data.checkpoint_id}
												values={state.data.values}
												onDone={(id) => setPicked(id)}
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
