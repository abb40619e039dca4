import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { isActive, type RunRow } from "./api.ts";
import { follow } from "./sse.ts";

type RunNews = Pick<RunRow, "run_id" | "thread_id" | "status">;

/** What a run changes: the thread's row, timeline and state, the thread list and the inbox. */
export function refreshThread(client: QueryClient, threadId: string) {
	void client.invalidateQueries({ queryKey: ["threads"] });
	void client.invalidateQueries({ queryKey: ["thread-row", threadId] });
	void client.invalidateQueries({ queryKey: ["tree", threadId] });
	void client.invalidateQueries({ queryKey: ["cp", threadId] });
	void client.invalidateQueries({ queryKey: ["inbox"] });
}

/**
 * Live updates instead of polling: follows `/studio/api/events` (runs starting and ending; reconnects
 * with `Last-Event-ID`), keeps the run each thread shows in the query cache (`["active-run", id]`: the
 * one going on, else the last one seen) and refreshes what a run changed when it ends.
 */
export function useStudioEvents() {
	const client = useQueryClient();
	useEffect(() => {
		const stop = new AbortController();
		void follow(
			"/studio/api/events",
			(e) => {
				if (e.event === "ready") {
					// (re)connected: whatever happened while away is read again
					void client.invalidateQueries();
					return;
				}
				if (e.event !== "run") return;
				const run = e.data as RunNews;
				// a run that ended is still shown unless another one goes on: one that started and ended
				// between two polls of the server comes only as ended, and is the thread's last run
				client.setQueryData<RunNews | null>(
					["active-run", run.thread_id],
					(old) =>
						old != null && old.run_id !== run.run_id && isActive(old.status)
							? old
							: run,
				);
				refreshThread(client, run.thread_id);
			},
			{ signal: stop.signal, more: async () => true, retryMs: 1000 },
		);
		return () => stop.abort();
	}, [client]);
}
