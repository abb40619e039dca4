import { type ReactNode, useState } from "react";
import {
	discriminatorOf,
	type FieldError,
	initialValue,
	type JsonSchema,
	type Path,
	resolve,
	UnparsedJson,
	variantsOf,
} from "./json-schema.ts";

/**
 * A form generated from a JSON Schema: objects as fieldsets, enums as choices, unions as a choice of
 * shape (by their `const` tag, like `action`), strings, numbers and booleans as inputs, anything else
 * (arrays, records, `unknown`) as a small JSON editor. Errors from `validate` show beside their field.
 */
export function SchemaForm(props: {
	schema: JsonSchema;
	value: unknown;
	onChange: (value: unknown) => void;
	errors: FieldError[];
	/** Values to put in when a field first appears (e.g. a tool call's arguments for `args`). */
	fill?: Record<string, unknown> | undefined;
}) {
	return (
		<Field
			schema={props.schema}
			root={props.schema}
			value={props.value}
			onChange={props.onChange}
			errors={props.errors}
			path={[]}
			fill={props.fill ?? {}}
			label=""
			required
		/>
	);
}

interface FieldProps {
	schema: JsonSchema;
	root: JsonSchema;
	value: unknown;
	onChange: (value: unknown) => void;
	errors: FieldError[];
	path: Path;
	fill: Record<string, unknown>;
	label: string;
	required: boolean;
}

const key = (path: Path) => path.join(".");

function ErrorsAt({ errors, path }: { errors: FieldError[]; path: Path }) {
	const mine = errors.filter((e) => key(e.path) === key(path));
	if (mine.length === 0) return null;
	return (
		<span className="field-error" data-field={key(path)}>
			{mine.map((e) => e.message).join("; ")}
		</span>
	);
}

function Field(p: FieldProps) {
	const s = resolve(p.schema, p.root);
	const variants = variantsOf(s, p.root);
	if (variants !== undefined) return <Union {...p} variants={variants} />;
	const type = Array.isArray(s.type)
		? s.type.find((t) => t !== "null")
		: s.type;
	const name = p.label === "" ? "answer" : p.label;
	const caption = (
		<>
			{s.title ?? p.label}
			{!p.required && <small> (optional)</small>}
			{s.description !== undefined && <small> — {s.description}</small>}
		</>
	);
	if (type === "object" && s.properties !== undefined) {
		const o = (p.value ?? {}) as Record<string, unknown>;
		return (
			<fieldset className="schema-object" data-field={key(p.path)}>
				{p.label !== "" && <legend>{caption}</legend>}
				{Object.entries(s.properties).map(([k, ps]) => {
					if (resolve(ps, p.root).const !== undefined) return null; // a union's tag
					const path = [...p.path, k];
					return (
						<Field
							key={k}
							schema={ps}
							root={p.root}
							value={o[k]}
							onChange={(v) => {
								const next = { ...o };
								if (v === undefined) delete next[k];
								else next[k] = v;
								p.onChange(next);
							}}
							errors={p.errors}
							path={path}
							fill={p.fill}
							label={k}
							required={s.required?.includes(k) ?? false}
						/>
					);
				})}
				<ErrorsAt errors={p.errors} path={p.path} />
			</fieldset>
		);
	}
	let input: ReactNode;
	if (s.enum !== undefined)
		input = (
			<select
				aria-label={name}
				value={JSON.stringify(p.value ?? null)}
				onChange={(e) => p.onChange(JSON.parse(e.target.value))}
			>
				{!p.required && <option value="null">—</option>}
				{s.enum.map((v) => (
					<option key={JSON.stringify(v)} value={JSON.stringify(v)}>
						{String(v)}
					</option>
				))}
			</select>
		);
	else if (type === "string") {
		// a text keeps its line breaks (a draft to edit); emptied, it is "" (a key left out would keep
		// the old text in a fork)
		const text = typeof p.value === "string" ? p.value : "";
		input = (
			<textarea
				aria-label={name}
				className="schema-text"
				rows={Math.min(12, text.split("\n").length)}
				value={text}
				onChange={(e) => p.onChange(e.target.value)}
			/>
		);
	} else if (type === "number" || type === "integer")
		input = (
			<input
				aria-label={name}
				type="number"
				value={typeof p.value === "number" ? p.value : ""}
				onChange={(e) =>
					p.onChange(e.target.value === "" ? undefined : Number(e.target.value))
				}
			/>
		);
	else if (type === "boolean")
		input = (
			<input
				aria-label={name}
				type="checkbox"
				checked={p.value === true}
				onChange={(e) => p.onChange(e.target.checked)}
			/>
		);
	else input = <JsonField {...p} name={name} />;
	return (
		<div className="schema-field" data-field={key(p.path)}>
			<span>{caption}</span>
			{input}
			<ErrorsAt errors={p.errors} path={p.path} />
		</div>
	);
}

/** A union: choose its shape (by tag when it has one), then fill that shape's fields. */
function Union(p: FieldProps & { variants: JsonSchema[] }) {
	const tag = discriminatorOf(p.variants);
	const labelOf = (v: JsonSchema, i: number) => {
		const c = tag === undefined ? undefined : v.properties?.[tag]?.const;
		if (c !== undefined) return String(c);
		if (v.title !== undefined) return v.title;
		const keys = Object.keys(v.properties ?? {});
		return keys.length > 0 ? `{ ${keys.join(", ")} }` : `option ${i + 1}`;
	};
	const o = p.value as Record<string, unknown> | undefined;
	const current = Math.max(
		0,
		p.variants.findIndex((v) => {
			if (tag !== undefined && v.properties?.[tag]?.const !== undefined)
				return o?.[tag] === v.properties[tag]!.const;
			return (
				typeof o === "object" &&
				o !== null &&
				Object.keys(v.properties ?? {}).some((k) => k in o)
			);
		}),
	);
	const choose = (i: number) => {
		const v = p.variants[i]!;
		const start = initialValue(v, p.root);
		if (typeof start === "object" && start !== null && !Array.isArray(start)) {
			const filled = start as Record<string, unknown>;
			for (const k of Object.keys(v.properties ?? {}))
				if (p.fill[k] !== undefined) filled[k] = p.fill[k];
			if (tag !== undefined && v.properties?.[tag]?.const !== undefined)
				filled[tag] = v.properties[tag]!.const;
		}
		p.onChange(start);
	};
	const name = tag ?? (p.label === "" ? "answer" : p.label);
	return (
		<div className="schema-union" data-field={key(p.path)}>
			<div className="schema-field" data-field={key([...p.path, tag ?? ""])}>
				<span>{tag ?? p.label ?? "shape"}</span>
				<select
					aria-label={name}
					value={current}
					onChange={(e) => choose(Number(e.target.value))}
				>
					{p.variants.map((v, i) => (
						<option key={labelOf(v, i)} value={i}>
							{labelOf(v, i)}
						</option>
					))}
				</select>
				{tag !== undefined && (
					<ErrorsAt errors={p.errors} path={[...p.path, tag]} />
				)}
			</div>
			<Field key={current} {...p} schema={p.variants[current]!} />
		</div>
	);
}

/** Any value as JSON, parsed as it is typed (a parse error shows in place). */
function JsonField(p: FieldProps & { name: string }) {
	const [text, setText] = useState(() =>
		p.value === undefined ? "" : JSON.stringify(p.value, null, 2),
	);
	const [bad, setBad] = useState<string>();
	return (
		<>
			<textarea
				aria-label={`${p.name} (JSON)`}
				rows={Math.min(12, Math.max(2, text.split("\n").length))}
				value={text}
				onChange={(e) => {
					setText(e.target.value);
					if (e.target.value.trim() === "") {
						setBad(undefined);
						p.onChange(undefined);
						return;
					}
					try {
						p.onChange(JSON.parse(e.target.value));
						setBad(undefined);
					} catch (error) {
						const problem =
							error instanceof Error ? error.message : String(error);
						setBad(problem);
						p.onChange(new UnparsedJson(problem));
					}
				}}
			/>
			{/* said here as it is typed; after a submit, the form's own error at this field says it */}
			{bad !== undefined &&
				!p.errors.some((e) => key(e.path) === key(p.path)) && (
					<span className="field-error">{bad}</span>
				)}
		</>
	);
}
