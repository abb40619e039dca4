import { useEffect, useState } from "react";
import { Inbox } from "./Inbox.tsx";
import { ThreadList } from "./ThreadList.tsx";
import { ThreadView } from "./ThreadView.tsx";

/** The studio's places, kept in the URL hash: `#/`, `#/inbox`, `#/threads/<id>`. */
type Route =
	| { page: "threads" }
	| { page: "inbox" }
	| { page: "thread"; threadId: string };

function routeOf(hash: string): Route {
	const path = hash.replace(/^#/, "");
	if (path === "/inbox") return { page: "inbox" };
	const m = /^\/threads\/(.+)$/.exec(path);
	if (m !== null) return { page: "thread", threadId: decodeURIComponent(m[1]!) };
	return { page: "threads" };
}

export function App() {
	const [route, setRoute] = useState(() => routeOf(location.hash));
	useEffect(() => {
		const on = () => setRoute(routeOf(location.hash));
		addEventListener("hashchange", on);
		return () => removeEventListener("hashchange", on);
	}, []);
	return (
		<div className="app">
			<header>
				<strong>Weft Studio</strong>
				<nav>
					<a href="#/" aria-current={route.page === "threads" ? "page" : undefined}>
						Threads
					</a>
					<a href="#/inbox" aria-current={route.page === "inbox" ? "page" : undefined}>
						Inbox
					</a>
				</nav>
			</header>
			<main>
				{route.page === "threads" && <ThreadList />}
				{route.page === "inbox" && <Inbox />}
				{route.page === "thread" && <ThreadView threadId={route.threadId} />}
			</main>
		</div>
	);
}

/** A server error as people read it: message, code and hint. */
export function ErrorNote({ error }: { error: unknown }) {
	if (error === null || error === undefined) return null;
	const e = error as { message?: string; code?: string; hint?: string };
	return (
		<p className="error" role="alert">
			{e.code !== undefined && <code>{e.code}</code>} {e.message ?? String(error)}
			{e.hint !== undefined && <em> — {e.hint}</em>}
		</p>
	);
}
