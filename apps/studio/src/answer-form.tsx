import { useState } from "react";
import {
	type FieldError,
	initialValue,
	type JsonSchema,
	pathText,
	resolve,
	validate,
} from "./json-schema.ts";
import { SchemaForm } from "./schema-form.tsx";
import { ValueView } from "./values.tsx";

/** What a request asks, field by field as its schema describes them (titles, descriptions). */
export function RequestView({
	schema,
	value,
}: {
	schema: JsonSchema | null;
	value: unknown;
}) {
	const s = schema === null ? undefined : resolve(schema, schema);
	if (
		s?.properties === undefined ||
		typeof value !== "object" ||
		value === null
	)
		return <ValueView value={value} />;
	const o = value as Record<string, unknown>;
	return (
		<dl className="values request-fields">
			{Object.entries(s.properties).map(([k, p]) => (
				<div key={k} data-key={k}>
					<dt>
						{p.title ?? k}
						{p.description !== undefined && <small> — {p.description}</small>}
					</dt>
					<dd>
						{isToolCallList(o[k]) ? (
							<ul className="tool-calls">
								{o[k].map((c) => (
									<li key={c.id} className="tool-call" data-call={c.id}>
										<code>{c.name}</code>
										<pre>{JSON.stringify(c.args, null, 2)}</pre>
									</li>
								))}
							</ul>
						) : (
							<ValueView value={o[k]} />
						)}
					</dd>
				</div>
			))}
		</dl>
	);
}

type ToolCall = { id: string; name: string; args: unknown };

const isToolCallList = (v: unknown): v is ToolCall[] =>
	Array.isArray(v) &&
	v.every(
		(c) =>
			typeof c === "object" &&
			c !== null &&
			typeof c.name === "string" &&
			"args" in c,
	);

/** Field errors as one alert (code VALIDATION_FAILED, like the server's), listed by field. */
export function FieldErrors({
	errors,
	what = "the request's response schema",
}: {
	errors: FieldError[];
	what?: string;
}) {
	if (errors.length === 0) return null;
	return (
		<div className="error" role="alert">
			<code>VALIDATION_FAILED</code> this does not fit {what}:
			<ul>
				{errors.map((e) => (
					<li key={`${pathText(e.path)}:${e.message}`}>
						<code>{pathText(e.path)}</code> {e.message}
					</li>
				))}
			</ul>
		</div>
	);
}

/**
 * The answer to a request, in a form generated from its response schema; checked against the schema
 * before it is sent (errors beside their fields). `fill` pre-fills fields that appear later, like the
 * arguments of the tool call being edited.
 */
export function AnswerForm(props: {
	schema: JsonSchema;
	fill: Record<string, unknown>;
	pending: boolean;
	onSend: (value: unknown) => void;
}) {
	const [value, setValue] = useState(() =>
		initialValue(props.schema, props.schema),
	);
	const [errors, setErrors] = useState<FieldError[]>([]);
	return (
		<form
			className="answer-form"
			aria-label="answer"
			onSubmit={(e) => {
				e.preventDefault();
				const found = validate(props.schema, value);
				setErrors(found);
				if (found.length === 0) props.onSend(value);
			}}
		>
			<SchemaForm
				schema={props.schema}
				value={value}
				onChange={(v) => {
					setValue(v);
					setErrors([]);
				}}
				errors={errors}
				fill={props.fill}
			/>
			<button type="submit" disabled={props.pending}>
				submit answer
			</button>
			<FieldErrors errors={errors} />
		</form>
	);
}

/** A parsed JSON answer checked against the schema, when there is one. */
export function checkJson(
	schema: JsonSchema | null,
	value: unknown,
): FieldError[] {
	return schema === null ? [] : validate(schema, value);
}
