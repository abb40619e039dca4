import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "./api.ts";
import { ErrorNote } from "./error-note.tsx";

/** Edit the state at a checkpoint (JSON) and run on from it as a new branch; or replay from it unchanged. */
export function ForkPanel(props: {
	threadId: string;
	graphId: string;
	checkpointId: string;
	values: Record<string, unknown>;
	onDone: (checkpointId: string) => void;
}) {
	const [text, setText] = useState(() => JSON.stringify(props.values, null, 2));
	const [parseError, setParseError] = useState<string>();
	const [open, setOpen] = useState(false);
	const client = useQueryClient();
	const refresh = () =>
		client.invalidateQueries({ queryKey: ["tree", props.threadId] });
	const fork = useMutation({
		mutationFn: async () => {
			const values = JSON.parse(text) as Record<string, unknown>;
			const out = await api.fork(props.threadId, props.checkpointId, values);
			await api.runFrom(
				props.threadId,
				props.graphId,
				out.checkpoint.checkpoint_id,
			);
			return out.checkpoint.checkpoint_id;
		},
		onSuccess: async (id) => {
			await refresh();
			props.onDone(id);
		},
	});
	const replay = useMutation({
		mutationFn: () =>
			api.runFrom(props.threadId, props.graphId, props.checkpointId),
		onSuccess: refresh,
	});
	return (
		<details
			className="fork"
			onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
		>
			<summary>fork or replay from here</summary>
			{/* the editor only while open: a big state (MBs of JSON) in a textarea slows every render */}
			{open && (
				<label>
					state (JSON)
					<textarea
						rows={10}
						value={text}
						onChange={(e) => {
							setText(e.target.value);
							try {
								JSON.parse(e.target.value);
								setParseError(undefined);
							} catch (error) {
								setParseError(
									error instanceof Error ? error.message : String(error),
								);
							}
						}}
					/>
				</label>
			)}
			{parseError !== undefined && <p className="error">{parseError}</p>}
			<button
				type="button"
				disabled={parseError !== undefined || fork.isPending}
				onClick={() => fork.mutate()}
			>
				fork with this state and run
			</button>{" "}
			<button
				type="button"
				disabled={replay.isPending}
				onClick={() => replay.mutate()}
			>
				replay from here
			</button>
			<ErrorNote error={fork.error ?? replay.error} />
		</details>
	);
}
