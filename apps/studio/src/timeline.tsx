import { useVirtualizer } from "@tanstack/react-virtual";
import {
	type KeyboardEvent,
	useEffect,
	useMemo,
	useRef,
	useState,
} from "react";
import type { CheckpointRow } from "./api.ts";

/**
 * A thread's checkpoints as a tree: newest on top, one column per branch (the newest branch first);
 * a fork or replay has its own column beside the branch it left. Works on the loaded rows only: a
 * child is always newer than its parent, so the loaded (newest) rows know all their children.
 */
export function layoutTree(rows: CheckpointRow[]) {
	const byId = new Map(rows.map((r) => [r.checkpoint_id, r]));
	const parents = new Set(rows.map((r) => r.parent_id));
	const ordered = [...rows].sort((a, b) => b.seq - a.seq);
	const heads = ordered.filter((r) => !parents.has(r.checkpoint_id));
	const column = new Map<string, number>();
	heads.forEach((head, col) => {
		for (
			let r: CheckpointRow | undefined = head;
			r !== undefined && !column.has(r.checkpoint_id);
			r = r.parent_id === null ? undefined : byId.get(r.parent_id)
		)
			column.set(r.checkpoint_id, col);
	});
	return { ordered, column, columns: Math.max(1, heads.length) };
}

const KEYS: Record<string, (i: number, last: number) => number> = {
	ArrowDown: (i, last) => Math.min(last, i + 1),
	ArrowUp: (i) => Math.max(0, i - 1),
	PageDown: (i, last) => Math.min(last, i + 10),
	PageUp: (i) => Math.max(0, i - 10),
	Home: () => 0,
	End: (_, last) => last,
};

/**
 * The timeline, virtualised (only the rows in view are in the page), with older pages read as it
 * scrolls down. Keyboard: one tab stop; arrow keys, Page Up/Down, Home/End move; Enter selects.
 */
export function Timeline({
	rows,
	total,
	selected,
	compare,
	hasMore,
	onLoadMore,
	onSelect,
	onCompare,
}: {
	rows: CheckpointRow[];
	/** All checkpoints of the thread (loaded or not), when known. */
	total?: number | undefined;
	selected: string | undefined;
	compare: string[];
	hasMore: boolean;
	onLoadMore: () => void;
	onSelect: (id: string) => void;
	onCompare: (id: string) => void;
}) {
	const { ordered, column, columns } = useMemo(() => layoutTree(rows), [rows]);
	const scroller = useRef<HTMLDivElement>(null);
	const list = useRef<HTMLOListElement>(null);
	const count = ordered.length + (hasMore ? 1 : 0);
	const rowsV = useVirtualizer({
		count,
		getScrollElement: () => scroller.current,
		estimateSize: () => 58,
		overscan: 6,
		gap: 5,
		getItemKey: (i) => ordered[i]?.checkpoint_id ?? "more",
	});
	const items = rowsV.getVirtualItems();
	const lastItem = items[items.length - 1];
	useEffect(() => {
		if (hasMore && lastItem !== undefined && lastItem.index >= count - 1)
			onLoadMore();
	}, [hasMore, lastItem, count, onLoadMore]);

	const selectedIndex = ordered.findIndex((r) => r.checkpoint_id === selected);
	// the focused row by id: new checkpoints arriving on top must not move the focus to another row
	const [focus, setFocus] = useState<string>();
	const focusIndex = ordered.findIndex((r) => r.checkpoint_id === focus);
	const active = focusIndex >= 0 ? focusIndex : Math.max(0, selectedIndex);
	const [moved, setMoved] = useState(0);
	// after a key moved the focus, the row may only now be rendered: focus it then
	// biome-ignore lint/correctness/useExhaustiveDependencies: runs when a key moved the focus
	useEffect(() => {
		if (moved === 0) return;
		list.current
			?.querySelector<HTMLButtonElement>(`[data-index="${active}"] .cp-select`)
			?.focus();
	}, [moved, items]);
	const onKeyDown = (e: KeyboardEvent) => {
		const move = KEYS[e.key];
		if (move === undefined || !(e.target instanceof HTMLButtonElement)) return;
		e.preventDefault();
		const next = move(active, Math.max(0, ordered.length - 1));
		setFocus(ordered[next]?.checkpoint_id);
		setMoved((m) => m + 1);
		rowsV.scrollToIndex(next, { align: "auto" });
	};

	return (
		<div
			className="timeline-scroll"
			ref={scroller}
			data-testid="timeline-scroll"
		>
			<p className="sr-only" aria-live="polite">
				{ordered.length}
				{total !== undefined ? ` of ${total}` : ""} checkpoints loaded
			</p>
			<ol
				ref={list}
				className="timeline"
				aria-label="timeline"
				onKeyDown={onKeyDown}
				style={{ height: rowsV.getTotalSize() }}
			>
				{items.map((v) => {
					const r = ordered[v.index];
					if (r === undefined)
						return (
							<li
								key={v.key}
								data-index={v.index}
								ref={rowsV.measureElement}
								className="cp-more"
								style={{ transform: `translateY(${v.start}px)` }}
							>
								loading older checkpoints…
							</li>
						);
					const col = column.get(r.checkpoint_id) ?? 0;
					const isSelected = selected === r.checkpoint_id;
					const tab = v.index === active ? 0 : -1;
					return (
						<li
							key={v.key}
							data-index={v.index}
							ref={rowsV.measureElement}
							data-checkpoint={r.checkpoint_id}
							data-step={r.step}
							data-column={col}
							aria-posinset={v.index + 1}
							aria-setsize={total ?? (hasMore ? -1 : ordered.length)}
							className={`cp ${isSelected ? "selected" : ""} ${r.source}`}
							style={{
								transform: `translateY(${v.start}px)`,
								left: `${(col / columns) * 100}%`,
								width: `${100 / columns}%`,
							}}
						>
							<button
								type="button"
								className="cp-select"
								tabIndex={tab}
								aria-pressed={isSelected}
								onClick={() => {
									setFocus(r.checkpoint_id);
									onSelect(r.checkpoint_id);
								}}
							>
								{r.damaged !== undefined ? (
									<>
										damaged checkpoint
										<small title={r.damaged.message}>{r.damaged.code}</small>
									</>
								) : (
									<>
										step {r.step} · {r.source}
										<small>
											{r.nodes.length > 0 ? r.nodes.join(", ") : "—"}
											{r.next.length > 0 && ` → ${r.next.join(", ")}`}
										</small>
									</>
								)}
							</button>
							<label>
								<input
									type="checkbox"
									tabIndex={tab}
									checked={compare.includes(r.checkpoint_id)}
									onChange={() => onCompare(r.checkpoint_id)}
									aria-label={`compare step ${r.step} (${r.checkpoint_id})`}
								/>
								compare
							</label>
						</li>
					);
				})}
			</ol>
		</div>
	);
}
