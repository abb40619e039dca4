import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "./api.ts";
import { ErrorNote } from "./error-note.tsx";
import { listKeys } from "./list-keys.ts";

const PAGE = 20;

/** The list's search and page (0-based) as kept in the URL: `#/?q=…&page=2` (the page counted from 1). */
function listPlace(): { q: string; page: number } {
	const hash = location.hash.replace(/^#/, "");
	const at = hash.indexOf("?");
	const params = new URLSearchParams(at === -1 ? "" : hash.slice(at + 1));
	const page = Number.parseInt(params.get("page") ?? "", 10);
	return {
		q: params.get("q") ?? "",
		page: Number.isSafeInteger(page) && page > 1 ? page - 1 : 0,
	};
}

function listHash(q: string, page: number): string {
	const params = new URLSearchParams();
	if (q !== "") params.set("q", q);
	if (page > 0) params.set("page", String(page + 1));
	const query = params.toString();
	return query === "" ? "#/" : `#/?${query}`;
}

/**
 * Threads newest first, with status (stale included), paged, searched by id and metadata. The search
 * and the page are kept in the URL, so Back from a thread, Back/Forward between pages and a reload come
 * back to them.
 */
export function ThreadList() {
	const [{ q, page }, setPlace] = useState(listPlace);
	useEffect(() => {
		const on = () => setPlace(listPlace());
		addEventListener("hashchange", on);
		return () => removeEventListener("hashchange", on);
	}, []);
	// typing replaces the history entry (one entry per search, not per key); a page is an entry of its own
	const setQ = (next: string) => {
		history.replaceState(history.state, "", listHash(next, 0));
		setPlace({ q: next, page: 0 });
	};
	const setPage = (next: number) => {
		location.hash = listHash(q, next);
	};
	const list = useQuery({
		queryKey: ["threads", q, page],
		queryFn: () => api.threads(q, page * PAGE, PAGE),
		placeholderData: keepPreviousData,
	});
	const total = list.data?.total ?? 0;
	// a page past the last (a link kept from a longer list): the last page instead, in place of it
	const last = Math.max(0, Math.ceil(total / PAGE) - 1);
	const beyond =
		list.data !== undefined && !list.isPlaceholderData && page > last;
	useEffect(() => {
		if (!beyond) return;
		history.replaceState(history.state, "", listHash(q, last));
		setPlace({ q, page: last });
	}, [beyond, q, last]);
	// while another page or search is read, the previous rows stay on screen, marked as being replaced
	const reading = list.isPlaceholderData || list.isPending;
	return (
		<section aria-label="threads">
			<div className="toolbar">
				<input
					type="search"
					aria-label="search threads by id or metadata"
					placeholder="search by id or metadata"
					value={q}
					onChange={(e) => setQ(e.target.value)}
				/>
				{/* no count while the list cannot be read: "0 threads" beside the error would be a guess */}
				{list.error === null && (
					<span>
						{total} {total === 1 ? "thread" : "threads"}
					</span>
				)}
			</div>
			<ErrorNote error={list.error} />
			<div className="table-scroll">
				<table
					className="threads"
					aria-label="threads, newest first"
					aria-busy={reading}
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
