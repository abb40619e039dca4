import type { CheckpointRow } from "./api.ts";

/**
 * A thread's checkpoints as a tree: oldest on top, one column per branch (the newest branch first);
 * a fork or replay starts its own column beside the checkpoint it branched from.
 */
export function layoutTree(rows: CheckpointRow[]) {
	const byId = new Map(rows.map((r) => [r.checkpoint_id, r]));
	const parents = new Set(rows.map((r) => r.parent_id));
	const heads = rows.filter((r) => !parents.has(r.checkpoint_id)); // newest first
	const column = new Map<string, number>();
	heads.forEach((head, col) => {
		for (
			let r: CheckpointRow | undefined = head;
			r !== undefined && !column.has(r.checkpoint_id);
			r = r.parent_id === null ? undefined : byId.get(r.parent_id)
		)
			column.set(r.checkpoint_id, col);
	});
	const ordered = [...rows].sort((a, b) => a.seq - b.seq);
	return { ordered, column, columns: Math.max(1, heads.length) };
}

export function Timeline({
	rows,
	selected,
	compare,
	onSelect,
	onCompare,
}: {
	rows: CheckpointRow[];
	selected: string | undefined;
	compare: string[];
	onSelect: (id: string) => void;
	onCompare: (id: string) => void;
}) {
	const { ordered, column, columns } = layoutTree(rows);
	return (
		<ol
			className="timeline"
			aria-label="timeline"
			style={{ gridTemplateColumns: `repeat(${columns}, minmax(11rem, 1fr))` }}
		>
			{ordered.map((r, i) => {
				const checked = compare.includes(r.checkpoint_id);
				return (
					<li
						key={r.checkpoint_id}
						data-checkpoint={r.checkpoint_id}
						data-step={r.step}
						className={`cp ${selected === r.checkpoint_id ? "selected" : ""} ${r.source}`}
						style={{
							gridRow: i + 1,
							gridColumn: (column.get(r.checkpoint_id) ?? 0) + 1,
						}}
					>
						<button
							type="button"
							aria-pressed={selected === r.checkpoint_id}
							onClick={() => onSelect(r.checkpoint_id)}
						>
							step {r.step} · {r.source}
							<small>
								{r.nodes.length > 0 ? r.nodes.join(", ") : "—"}
								{r.next.length > 0 && ` → ${r.next.join(", ")}`}
							</small>
						</button>
						<label>
							<input
								type="checkbox"
								checked={checked}
								onChange={() => onCompare(r.checkpoint_id)}
								aria-label={`compare step ${r.step} (${r.checkpoint_id})`}
							/>
							compare
						</label>
					</li>
				);
			})}
		</ol>
	);
}
