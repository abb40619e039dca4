import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "./api.ts";
import { ErrorNote } from "./error-note.tsx";
import { listKeys } from "./list-keys.ts";

const PAGE = 20;

/** Threads newest first, with status (stale included), paged, searched by id and metadata. */
export function ThreadList() {
	const [q, setQ] = useState("");
	const [page, setPage] = useState(0);
	const list = useQuery({
		queryKey: ["threads", q, page],
		queryFn: () => api.threads(q, page * PAGE, PAGE),
		placeholderData: keepPreviousData,
	});
	const total = list.data?.total ?? 0;
	return (
		<section aria-label="threads">
			<div className="toolbar">
				<input
					type="search"
					aria-label="search threads by id or metadata"
					placeholder="search by id or metadata"
					value={q}
					onChange={(e) => {
						setQ(e.target.value);
						setPage(0);
					}}
				/>
				<span>{total} threads</span>
			</div>
			<ErrorNote error={list.error} />
			<div className="table-scroll">
				<table
					className="threads"
					aria-label="threads, newest first"
					onKeyDown={listKeys("tbody a")}
				>
					<thead>
						<tr>
							<th>thread</th>
							<th>status</th>
							<th>step</th>
							<th>checkpoints</th>
							<th>branches</th>
							<th>metadata</th>
							<th>updated</th>
						</tr>
					</thead>
					<tbody>
						{list.data?.threads.map((t) => (
							<tr key={t.thread_id} data-thread={t.thread_id}>
								<td>
									<a href={`#/threads/${encodeURIComponent(t.thread_id)}`}>
										{t.thread_id}
									</a>
								</td>
								<td>
									<span className={`status status-${t.status}`}>
										{t.status}
									</span>
								</td>
								<td>{t.step}</td>
								<td>{t.checkpoints}</td>
								<td>{t.branches}</td>
								<td>
									<code>{JSON.stringify(t.metadata)}</code>
								</td>
								<td>{new Date(t.updated_at).toLocaleString()}</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
			<div className="toolbar">
				<button
					type="button"
					disabled={page === 0}
					onClick={() => setPage(page - 1)}
				>
					newer
				</button>
				<span>
					page {page + 1} of {Math.max(1, Math.ceil(total / PAGE))}
				</span>
				<button
					type="button"
					disabled={(page + 1) * PAGE >= total}
					onClick={() => setPage(page + 1)}
				>
					older
				</button>
			</div>
		</section>
	);
}
