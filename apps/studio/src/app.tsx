import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { ApiError, api, token } from "./api.ts";
import { Inbox } from "./inbox.tsx";
import { useStudioEvents } from "./live.ts";
import { ThreadList } from "./thread-list.tsx";
import { ThreadView } from "./thread-view.tsx";
import { TokenGate } from "./token-gate.tsx";

/** The studio's places, kept in the URL hash: `#/`, `#/inbox`, `#/threads/<id>`. */
type Route =
	| { page: "threads" }
	| { page: "inbox" }
	| { page: "thread"; threadId: string };

function routeOf(hash: string): Route {
	const path = hash.replace(/^#/, "");
	if (path === "/inbox") return { page: "inbox" };
	const m = /^\/threads\/(.+)$/.exec(path);
	if (m !== null) return { page: "thread", threadId: decoded(m[1]!) };
	return { page: "threads" };
}

/** A thread id from the hash: `%` that does not decode (`#/threads/100%`) is taken as written, not a crash. */
function decoded(part: string): string {
	try {
		return decodeURIComponent(part);
	} catch {
		return part;
	}
}

export function App() {
	useStudioEvents();
	const [route, setRoute] = useState(() => routeOf(location.hash));
	useEffect(() => {
		const on = () => setRoute(routeOf(location.hash));
		addEventListener("hashchange", on);
		return () => removeEventListener("hashchange", on);
	}, []);
	const info = useQuery({ queryKey: ["info"], queryFn: api.info });
	const locked =
		info.error instanceof ApiError && info.error.code === "UNAUTHENTICATED";
	return (
		<div className="app">
			<header>
				<strong>Weft Studio</strong>
				<nav aria-label="studio">
					<a
						href="#/"
						aria-current={route.page === "threads" ? "page" : undefined}
					>
						Threads
					</a>
					<a
						href="#/inbox"
						aria-current={route.page === "inbox" ? "page" : undefined}
					>
						Inbox
					</a>
				</nav>
			</header>
			<main>
				{locked ? (
					<TokenGate refused={token.get() !== null} />
				) : (
					<>
						{route.page === "threads" && <ThreadList />}
						{route.page === "inbox" && <Inbox />}
						{route.page === "thread" && (
							// a fresh view per thread: its chosen checkpoint and followed run are its own
							<ThreadView key={route.threadId} threadId={route.threadId} />
						)}
					</>
				)}
			</main>
		</div>
	);
}
