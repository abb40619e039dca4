/** State values for people: message lists as a chat transcript, everything else as indented JSON. */

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

export function Message({ m, mark }: { m: WireMessage; mark?: string }) {
	return (
		<li className={`msg msg-${m.type} ${mark ?? ""}`} data-message-id={m.id}>
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

export function Transcript({ messages }: { messages: WireMessage[] }) {
	return (
		<ol className="transcript">
			{messages.map((m, i) => (
				<Message key={m.id ?? i} m={m} />
			))}
		</ol>
	);
}

export function ValueView({ value }: { value: unknown }) {
	if (isMessageList(value)) return <Transcript messages={value} />;
	if (typeof value === "string") return <div className="string">{value}</div>;
	return <pre>{JSON.stringify(value, null, 2)}</pre>;
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
