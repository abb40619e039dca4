import { useQuery } from "@tanstack/react-query";
import { api } from "./api.ts";
import { ErrorNote } from "./error-note.tsx";
import {
	isMessageList,
	Message,
	ValueView,
	type WireMessage,
} from "./values.tsx";

const same = (a: unknown, b: unknown) =>
	JSON.stringify(a) === JSON.stringify(b);

/** Messages matched by id: added, removed, changed, unchanged (in the newer list's order). */
function MessageDiff({
	before,
	after,
}: {
	before: WireMessage[];
	after: WireMessage[];
}) {
	const old = new Map(before.map((m, i) => [m.id ?? `#${i}`, m]));
	const kept = new Set(after.map((m, i) => m.id ?? `#${i}`));
	return (
		<ol className="transcript">
			{before
				.filter((m, i) => !kept.has(m.id ?? `#${i}`))
				.map((m, i) => (
					<Message key={`removed-${m.id ?? i}`} m={m} mark="removed" />
				))}
			{after.map((m, i) => {
				const prev = old.get(m.id ?? `#${i}`);
				const mark =
					prev === undefined
						? "added"
						: same(prev, m)
							? "unchanged"
							: "changed";
				return <Message key={m.id ?? i} m={m} mark={mark} />;
			})}
		</ol>
	);
}

/** The difference between the states at two checkpoints, key by key. */
export function Diff({
	threadId,
	a,
	b,
}: {
	threadId: string;
	a: string;
	b: string;
}) {
	const left = useQuery({
		queryKey: ["cp", threadId, a],
		queryFn: () => api.checkpoint(threadId, a),
	});
	const right = useQuery({
		queryKey: ["cp", threadId, b],
		queryFn: () => api.checkpoint(threadId, b),
	});
	if (left.error || right.error)
		return <ErrorNote error={left.error ?? right.error} />;
	if (left.data === undefined || right.data === undefined)
		return <p>loading…</p>;
	// older first
	const [x, y] =
		left.data.step <= right.data.step
			? [left.data, right.data]
			: [right.data, left.data];
	if (x.values === null || y.values === null)
		return (
			<p>
				the full state needs the thread's graph (open it with `weft dev`, or a
				checkpoint with a snapshot)
			</p>
		);
	const keys = [
		...new Set([...Object.keys(x.values), ...Object.keys(y.values)]),
	];
	const changed = keys.filter((k) => !same(x.values![k], y.values![k]));
	return (
		<section className="diff" aria-label="diff">
			<h3>
				diff: step {x.step} → step {y.step} ({changed.length} changed)
			</h3>
			{changed.length === 0 && <p>the two states are equal</p>}
			{changed.map((k) => {
				const before = x.values![k];
				const after = y.values![k];
				return (
					<div key={k} className="diff-key" data-key={k}>
						<h4>{k}</h4>
						{isMessageList(after) || isMessageList(before) ? (
							<MessageDiff
								before={isMessageList(before) ? before : []}
								after={isMessageList(after) ? after : []}
							/>
						) : (
							<div className="sides">
								<div className="removed">
									<ValueView value={before ?? null} />
								</div>
								<div className="added">
									<ValueView value={after ?? null} />
								</div>
							</div>
						)}
					</div>
				);
			})}
		</section>
	);
}
