/** State values for people: message lists as a chat transcript, everything else as indented JSON. */
import { useVirtualizer } from "@tanstack/react-virtual";
import { type CSSProperties, useMemo, useRef, useState } from "react";

export interface WireMessage {
	type: string;
	content: unknown;
	id?: string;
	name?: string;
	tool_calls?: Array<{ id?: string; name: string; args: unknown }>;
	tool_call_id?: string;
}

const ROLES = new Set(["human", "ai", "tool", "system", "function", "remove"]);

export function isMessageList(v: unknown): v is WireMessage[] {
	return (
		Array.isArray(v) &&
		v.length > 0 &&
		v.every(
			(m) =>
				typeof m === "object" &&
				m !== null &&
				ROLES.has((m as WireMessage).type) &&
				"content" in m,
		)
	);
}

function text(content: unknown): string {
	if (typeof content === "string") return content;
	if (Array.isArray(content))
		return content
			.map((p) =>
				typeof p === "object" && p !== null && "text" in p
					? String(p.text)
					: "",
			)
			.join("");
	return JSON.stringify(content);
}

export function Message({
	m,
	mark,
	index,
	measure,
	style,
}: {
	m: WireMessage;
	mark?: string;
	index?: number;
	measure?: (el: HTMLElement | null) => void;
	style?: CSSProperties;
}) {
	return (
		<li
			className={`msg msg-${m.type} ${mark ?? ""}`}
			data-message-id={m.id}
			data-index={index}
			ref={measure}
			style={style}
		>
			<span className="role">
				{m.type === "ai" ? "assistant" : m.type === "human" ? "user" : m.type}
				{m.name !== undefined && ` (${m.name})`}
				{m.tool_call_id !== undefined && ` → ${m.tool_call_id}`}
			</span>
			<div className="content">{text(m.content)}</div>
			{m.tool_calls?.map((c, i) => (
				<div key={c.id ?? i} className="tool-call">
					calls <code>{c.name}</code>
					<pre>{JSON.stringify(c.args, null, 2)}</pre>
				</div>
			))}
		</li>
	);
}

/** Above this many messages the transcript is virtualised: only the messages in view are in the page. */
const VIRTUAL_FROM = 100;

export function Transcript({ messages }: { messages: WireMessage[] }) {
	if (messages.length >= VIRTUAL_FROM)
		return <LongTranscript messages={messages} />;
	return (
		<ol className="transcript" aria-label="transcript">
			{messages.map((m, i) => (
				<Message key={m.id ?? i} m={m} />
			))}
		</ol>
	);
}

function LongTranscript({ messages }: { messages: WireMessage[] }) {
	const scroller = useRef<HTMLElement>(null);
	const rows = useVirtualizer({
		count: messages.length,
		getScrollElement: () => scroller.current,
		estimateSize: () => 64,
		overscan: 6,
		gap: 5,
	});
	return (
		<section
			className="transcript-scroll"
			ref={scroller}
			// biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region is reachable by keyboard
			tabIndex={0}
			aria-label={`transcript, ${messages.length} messages`}
		>
			<ol
				className="transcript virtual"
				style={{ height: rows.getTotalSize() }}
			>
				{rows.getVirtualItems().map((v) => {
					const m = messages[v.index]!;
					return (
						<Message
							key={m.id ?? v.index}
							m={m}
							index={v.index}
							measure={rows.measureElement}
							style={{ transform: `translateY(${v.start}px)` }}
						/>
					);
				})}
			</ol>
		</section>
	);
}

/** Characters of a value shown at first: a value of megabytes laid out whole slows every render. */
export const SHOWN_CHARS = 20_000;

export function ValueView({ value }: { value: unknown }) {
	if (isMessageList(value)) return <Transcript messages={value} />;
	if (typeof value === "string") return <Clipped text={value} string />;
	return <JsonValue value={value} />;
}

function JsonValue({ value }: { value: unknown }) {
	const text = useMemo(() => JSON.stringify(value, null, 2), [value]);
	return <Clipped text={text} string={false} />;
}

/** A long text's first `SHOWN_CHARS` characters, and a button that shows it all (and back). */
function Clipped({ text, string }: { text: string; string: boolean }) {
	const [all, setAll] = useState(false);
	const long = text.length > SHOWN_CHARS;
	const shown = long && !all ? `${text.slice(0, SHOWN_CHARS)}…` : text;
	const body = string ? (
		<div className="string">{shown}</div>
	) : (
		<pre>{shown}</pre>
	);
	if (!long) return body;
	return (
		<>
			{body}
			<button
				type="button"
				className="show-all"
				aria-expanded={all}
				onClick={() => setAll(!all)}
			>
				{all
					? "show the start only"
					: `show all ${text.length.toLocaleString("en")} characters`}
			</button>
		</>
	);
}

export function StateValues({ values }: { values: Record<string, unknown> }) {
	return (
		<dl className="values">
			{Object.entries(values).map(([k, v]) => (
				<div key={k} data-key={k}>
					<dt>{k}</dt>
					<dd>
						<ValueView value={v} />
					</dd>
				</div>
			))}
		</dl>
	);
}
