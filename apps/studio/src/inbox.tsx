import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, type InboxRow } from "./api.ts";
import { ErrorNote } from "./error-note.tsx";
import { listKeys } from "./list-keys.ts";
import { ValueView } from "./values.tsx";

/** Requests waiting for a person, across threads; each answered in place (the run resumes). */
export function Inbox() {
	const inbox = useQuery({
		queryKey: ["inbox"],
		queryFn: api.inbox,
		refetchInterval: 3000,
	});
	const info = useQuery({ queryKey: ["info"], queryFn: api.info });
	const [answered, setAnswered] = useState<InboxRow[]>([]);
	return (
		<section aria-label="inbox">
			<h2>waiting for an answer</h2>
			<ErrorNote error={inbox.error} />
			{answered.map((r) => (
				<p key={`${r.thread_id}/${r.interrupt_id}`} role="status">
					answered {r.thread_id} ({r.node}); the run went on
				</p>
			))}
			{inbox.data?.length === 0 && <p>nothing is waiting for an answer</p>}
			<ul
				className="inbox"
				aria-label="requests waiting for an answer"
				onKeyDown={listKeys("li.request")}
			>
				{inbox.data?.map((r, i) => (
					<Request
						first={i === 0}
						key={`${r.thread_id}/${r.interrupt_id}`}
						row={r}
						canRun={info.data?.graphs ?? []}
						onAnswered={() => setAnswered((a) => [...a, r])}
					/>
				))}
			</ul>
		</section>
	);
}

function Request({
	row,
	first,
	canRun,
	onAnswered,
}: {
	row: InboxRow;
	first: boolean;
	canRun: string[];
	onAnswered: () => void;
}) {
	const client = useQueryClient();
	const [reason, setReason] = useState("");
	const [json, setJson] = useState("");
	const [bad, setBad] = useState<string>();
	const answer = useMutation({
		mutationFn: (value: unknown) =>
			api.answer(
				row.thread_id,
				row.graph_id!,
				row.checkpoint_id,
				row.interrupt_id,
				value,
			),
		onSuccess: async () => {
			onAnswered();
			await client.invalidateQueries();
		},
	});
	const runnable = row.graph_id !== null && canRun.includes(row.graph_id);
	const request = row.value as { human?: string; request?: unknown } | null;
	return (
		<li
			tabIndex={first ? 0 : -1}
			aria-label={`${row.thread_id}: ${row.node} waits for an answer`}
			className="request"
			data-thread={row.thread_id}
			data-interrupt={row.interrupt_id}
		>
			<h3>
				<a href={`#/threads/${encodeURIComponent(row.thread_id)}`}>
					{row.thread_id}
				</a>{" "}
				· node <code>{row.node}</code>
				{typeof request?.human === "string" && <> · asks “{request.human}”</>}
			</h3>
			<ValueView value={request?.request ?? row.value} />
			{!runnable ? (
				<p>
					answering runs the graph: open this store with `weft dev --graph …`
				</p>
			) : (
				<form
					onSubmit={(e) => {
						e.preventDefault();
						try {
							answer.mutate(JSON.parse(json));
						} catch (error) {
							setBad(error instanceof Error ? error.message : String(error));
						}
					}}
				>
					<button
						type="button"
						disabled={answer.isPending}
						onClick={() => answer.mutate({ action: "approve" })}
					>
						approve
					</button>
					<input
						aria-label="reason to reject"
						placeholder="reason"
						value={reason}
						onChange={(e) => setReason(e.target.value)}
					/>
					<button
						type="button"
						disabled={answer.isPending || reason.trim() === ""}
						onClick={() => answer.mutate({ action: "reject", reason })}
					>
						reject
					</button>
					<details>
						<summary>answer with JSON (edit)</summary>
						<textarea
							aria-label="answer as JSON"
							rows={5}
							value={json}
							onChange={(e) => {
								setJson(e.target.value);
								setBad(undefined);
							}}
						/>
						<button
							type="submit"
							disabled={answer.isPending || json.trim() === ""}
						>
							send
						</button>
					</details>
					{bad !== undefined && <p className="error">{bad}</p>}
					<ErrorNote error={answer.error} />
				</form>
			)}
		</li>
	);
}
