import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { api, type CheckpointRow } from "./api.ts";

const PAGE = 200;

/**
 * A thread's checkpoints, newest first, a page at a time: the newest page is read again when a run
 * changes the thread (live.ts invalidates `["tree", id]`: no polling), older pages are read when the
 * timeline scrolls to them (`loadMore`) and kept.
 */
export function useTreePages(threadId: string) {
	const head = useQuery({
		queryKey: ["tree", threadId, "head"],
		queryFn: () => api.treePage(threadId, undefined, PAGE),
	});
	// older pages start before this checkpoint (the oldest of the head page when it was first read)
	const [anchor, setAnchor] = useState<string | null>(null);
	const headRows = head.data?.rows;
	useEffect(() => {
		if (head.data === undefined) return;
		const inHead = head.data.rows.some((r) => r.checkpoint_id === anchor);
		// more than a page of new checkpoints since: older pages restart below the new head page
		if (!inHead) setAnchor(head.data.next);
	}, [head.data, anchor]);
	const older = useInfiniteQuery({
		queryKey: ["tree", threadId, "older", anchor],
		queryFn: ({ pageParam }) => api.treePage(threadId, pageParam, PAGE),
		initialPageParam: anchor ?? "",
		getNextPageParam: (last) => last.next ?? undefined,
		enabled: false,
	});
	const rows = useMemo(() => {
		const seen = new Set<string>();
		const out: CheckpointRow[] = [];
		const all = [
			...(headRows ?? []),
			...(older.data?.pages.flatMap((p) => p.rows) ?? []),
		];
		for (const r of all)
			if (!seen.has(r.checkpoint_id)) {
				seen.add(r.checkpoint_id);
				out.push(r);
			}
		return out;
	}, [headRows, older.data]);
	const pages = older.data?.pages;
	const hasMore =
		anchor !== null &&
		(pages === undefined || pages[pages.length - 1]?.next != null);
	const loadMore = () => {
		if (!hasMore || older.isFetching) return;
		if (pages === undefined) void older.refetch();
		else void older.fetchNextPage();
	};
	return {
		rows: headRows === undefined ? undefined : rows,
		error: head.error ?? older.error,
		hasMore,
		loadingMore: older.isFetching,
		loadMore,
	};
}
