import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { FieldErrors } from "./answer-form.tsx";
import { api } from "./api.ts";
import { ErrorNote } from "./error-note.tsx";
import { forkUpdate } from "./fork-update.ts";
import { type FieldError, unparsedIn, validate } from "./json-schema.ts";
import { refreshThread } from "./live.ts";
import { SchemaForm } from "./schema-form.tsx";

/**
 * Edit the state at a checkpoint (a form generated from the graph's state schema, or JSON) and run on
 * from it as a new branch, or replay from it unchanged. The edit is checked against the state schema
 * before anything is sent; the run is started in the background and followed live (`onStarted`).
 */
export function ForkPanel(props: {
	threadId: string;
	graphId: string;
	checkpointId: string;
	values: Record<string, unknown>;
	onStarted: (runId: string, checkpointId: string) => void;
}) {
	const schema = useQuery({
		queryKey: ["state-schema", props.graphId],
		queryFn: () => api.stateSchema(props.graphId),
		staleTime: Number.POSITIVE_INFINITY,
	});
	const [mode, setMode] = useState<"form" | "json">("json");
	const [values, setValues] = useState<unknown>(props.values);
	const [text, setText] = useState(() => JSON.stringify(props.values, null, 2));
	const [parseError, setParseError] = useState<string>();
	const [errors, setErrors] = useState<FieldError[]>([]);
	const [open, setOpen] = useState(false);
	// one name for the two radios: a radio group the arrow keys move within
	const group = useId();
	const client = useQueryClient();
	const edited = (): unknown => (mode === "json" ? JSON.parse(text) : values);
	const fork = useMutation({
		mutationFn: async () => {
			const v = edited();
			const found = schema.data == null ? [] : validate(schema.data, v);
			setErrors(found);
			if (found.length > 0) return undefined;
			if (typeof v !== "object" || v === null || Array.isArray(v)) {
				setErrors([{ path: [], message: "the state is an object of keys" }]);
				return undefined;
			}
			const out = await api.fork(
				props.threadId,
				props.checkpointId,
				forkUpdate(props.values, v as Record<string, unknown>),
			);
			const id = out.checkpoint.checkpoint_id;
			const run = await api.startRun(props.threadId, props.graphId, id);
			return { run: run.run_id, id };
		},
		onSuccess: (r) => {
			if (r === undefined) return;
			refreshThread(client, props.threadId);
			props.onStarted(r.run, r.id);
		},
	});
	const replay = useMutation({
		mutationFn: () =>
			api.startRun(props.threadId, props.graphId, props.checkpointId),
		onSuccess: (run) => {
			refreshThread(client, props.threadId);
			props.onStarted(run.run_id, props.checkpointId);
		},
	});
	const switchTo = (next: "form" | "json") => {
		const unparsed = next === "json" ? unparsedIn(values) : undefined;
		if (unparsed !== undefined) {
			setParseError(
				`fix the JSON of the form's field to switch to JSON: ${unparsed.problem}`,
			);
			return;
		}
		try {
			if (next === "json") setText(JSON.stringify(values, null, 2));
			else setValues(JSON.parse(text));
			setMode(next);
			setParseError(undefined);
		} catch (error) {
			const why = error instanceof Error ? error.message : String(error);
			setParseError(`fix the JSON to switch to the form: ${why}`);
		}
	};
	return (
		<details
			className="fork"
			onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}
		>
			<summary>fork or replay from here</summary>
			{/* the editors only while open: a big state (MBs of JSON) in a textarea or form slows every render */}
			{open && (
				<>
					<div role="radiogroup" aria-label="edit the state as">
						<label>
							<input
								type="radio"
								name={group}
								checked={mode === "form"}
								disabled={schema.data == null}
								onChange={() => switchTo("form")}
							/>
							form
						</label>
						<label>
							<input
								type="radio"
								name={group}
								checked={mode === "json" || schema.data == null}
								onChange={() => switchTo("json")}
							/>
							JSON
						</label>
					</div>
					{mode === "form" && schema.data != null ? (
						<fieldset className="state-form" aria-label="state (form)">
							<SchemaForm
								schema={schema.data}
								value={values}
								onChange={(v) => {
									setValues(v);
									setErrors([]);
								}}
								errors={errors}
							/>
						</fieldset>
					) : (
						<label>
							state (JSON)
							<textarea
								rows={10}
								value={text}
								onChange={(e) => {
									setText(e.target.value);
									setErrors([]);
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
				</>
			)}
			{parseError !== undefined && <p className="error">{parseError}</p>}
			<FieldErrors errors={errors} what="the state schema" />
			<p className="hint">
				Only the keys you change are sent, as an update through the graph's
				reducers, as a node's would be: a key with a reducer merges your value
				(a conversation replaces messages by id, so deleting one does not remove
				it; an appending list gets your list appended); every other key takes
				your value, and a key you leave out keeps its own.
			</p>
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
