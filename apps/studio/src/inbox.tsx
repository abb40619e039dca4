import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import {
	AnswerForm,
	checkJson,
	FieldErrors,
	RequestView,
} from "./answer-form.tsx";
import { ApiError, api, type InboxRow, type UnreadableThread } from "./api.ts";
import { ErrorNote } from "./error-note.tsx";
import type { FieldError } from "./json-schema.ts";
import { listKeys } from "./list-keys.ts";
import { requestFill } from "./request-fill.ts";

/** Requests waiting for a person, across threads; each answered in place (the run resumes). */
export function Inbox() {
	// refreshed when a run starts or ends (useStudioEvents), not by polling
	const inbox = useQuery({ queryKey: ["inbox"], queryFn: api.inbox });
	const info = useQuery({ queryKey: ["info"], queryFn: api.info });
	const [answered, setAnswered] = useState<InboxRow[]>([]);
	// answers the server refused: their notes outlive the request's row when it leaves the list
	// (another tab or client answered first, and the refresh removes the row)
	const [refused, setRefused] = useState<
		Array<{ row: InboxRow; error: unknown }>
	>([]);
	const key = (r: InboxRow) => `${r.thread_id}/${r.interrupt_id}`;
	const requests = inbox.data?.filter(
		(r): r is InboxRow => !("unreadable" in r),
	);
	const unreadable = inbox.data?.filter(
		(r): r is UnreadableThread => "unreadable" in r,
	);
	const listed = new Set(requests?.map(key));
	return (
		<section aria-label="inbox">
			<h2>waiting for an answer</h2>
			<ErrorNote error={inbox.error} />
			{answered.map((r) => (
				<p key={key(r)} role="status">
					answered {r.thread_id} (node {r.node}); the run went on
				</p>
			))}
			{refused
				.filter(({ row }) => inbox.data !== undefined && !listed.has(key(row)))
				.map(({ row, error }) => (
					<div key={key(row)} className="refused">
						your answer to {row.thread_id} (node {row.node}) was not applied,
						and the request waits no more (
						{error instanceof ApiError && error.code === "NOT_FOUND"
							? "the thread was deleted"
							: "answered elsewhere?"}
						):
						<ErrorNote error={error} />
					</div>
				))}
			{unreadable !== undefined && unreadable.length > 0 && (
				<ul className="unreadable" aria-label="threads that could not be read">
					{unreadable.map((t) => (
						<li key={`${t.thread_id}/${t.checkpoint_id}`} className="error">
							<a href={`#/threads/${encodeURIComponent(t.thread_id)}`}>
								{t.thread_id}
							</a>{" "}
							could not be read at checkpoint{" "}
							<code>{t.checkpoint_id.slice(-12)}</code>, so no request of that
							branch is listed: <code>{t.unreadable.code}</code>{" "}
							{t.unreadable.message}
						</li>
					))}
				</ul>
			)}
			{requests?.length === 0 && <p>nothing is waiting for an answer</p>}
			<ul
				className="inbox"
				aria-label="requests waiting for an answer"
				onKeyDown={listKeys("li.request")}
			>
				{requests?.map((r, i) => (
					<Request
						first={i === 0}
						key={key(r)}
						row={r}
						// requests of one thread on several branches are told apart by their checkpoint
						elsewhere={requests.some(
							(o) =>
								o.thread_id === r.thread_id &&
								o.checkpoint_id !== r.checkpoint_id,
						)}
						canRun={info.data?.graphs ?? []}
						onAnswered={() => setAnswered((a) => [...a, r])}
						onRefused={(error) =>
							setRefused((a) => [
								...a.filter((x) => key(x.row) !== key(r)),
								{ row: r, error },
							])
						}
					/>
				))}
			</ul>
		</section>
	);
}

function Request({
	row,
	first,
	elsewhere,
	canRun,
	onAnswered,
	onRefused,
}: {
	row: InboxRow;
	first: boolean;
	elsewhere: boolean;
	canRun: string[];
	onAnswered: () => void;
	onRefused: (error: unknown) => void;
}) {
	const client = useQueryClient();
	const [reason, setReason] = useState("");
	const [json, setJson] = useState("");
	const [scopes, setScopes] = useState("");
	const [bad, setBad] = useState<string>();
	const [jsonErrors, setJsonErrors] = useState<FieldError[]>([]);
	const answer = useMutation({
		mutationFn: (value: unknown) =>
			api.answer(
				row.thread_id,
				row.graph_id!,
				row.checkpoint_id,
				row.interrupt_id,
				value,
				scopes
					.split(",")
					.map((s) => s.trim())
					.filter((s) => s !== ""),
			),
		onSuccess: async () => {
			onAnswered();
			await client.invalidateQueries();
		},
		// the request may wait no more: the list is read again, and the note kept above it if it went
		onError: async (error) => {
			onRefused(error);
			await client.invalidateQueries({ queryKey: ["inbox"] });
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
				{elsewhere && (
					<>
						{" "}
						· at checkpoint <code>{row.checkpoint_id.slice(-12)}</code>
					</>
				)}
				{typeof request?.human === "string" && <> · asks “{request.human}”</>}
			</h3>
			<RequestView
				schema={row.request_schema}
				value={request?.request ?? row.value}
			/>
			{!runnable ? (
				<p>
					answering runs the graph: open this store with `weft dev --graph …`
				</p>
			) : (
				<>
					<label className="answer-scopes">
						scopes the answer grants its run{" "}
						<input
							aria-label="scopes the answer grants its run"
							placeholder="comma-separated, e.g. mail:send"
							value={scopes}
							onChange={(e) => setScopes(e.target.value)}
						/>{" "}
						<small>
							(a tool that needs a scope runs only for a caller granted it)
						</small>
					</label>
					{row.response_schema !== null && (
						<AnswerForm
							schema={row.response_schema}
							fill={requestFill(request?.request)}
							pending={answer.isPending}
							onSend={(v) => answer.mutate(v)}
						/>
					)}
					<form
						onSubmit={(e) => {
							e.preventDefault();
							let value: unknown;
							try {
								value = JSON.parse(json);
							} catch (error) {
								setBad(error instanceof Error ? error.message : String(error));
								return;
							}
							const errors = checkJson(row.response_schema, value);
							setJsonErrors(errors);
							if (errors.length === 0) answer.mutate(value);
						}}
					>
						{row.response_schema === null && (
							<>
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
							</>
						)}
						<details>
							<summary>answer with JSON (edit)</summary>
							<textarea
								aria-label="answer as JSON"
								rows={5}
								value={json}
								onChange={(e) => {
									setJson(e.target.value);
									setBad(undefined);
									setJsonErrors([]);
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
						<FieldErrors errors={jsonErrors} />
					</form>
					<ErrorNote error={answer.error} />
				</>
			)}
		</li>
	);
}
