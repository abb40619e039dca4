// Reading what a graph produced out of its final state: the answer text and the tool calls.

type Bag = Record<string, unknown>;
const isBag = (v: unknown): v is Bag => typeof v === "object" && v !== null;

function typeOf(m: Bag): string | undefined {
	const getType = m.getType ?? m._getType;
	if (typeof getType === "function") return String(getType.call(m));
	return typeof m.type === "string" ? m.type : undefined;
}

function textOfContent(content: unknown): string {
	if (typeof content === "string") return content;
	if (Array.isArray(content))
		return content
			.map((p) =>
				typeof p === "string"
					? p
					: isBag(p) && typeof p.text === "string"
						? p.text
						: "",
			)
			.join("");
	return "";
}

const messagesOf = (values: unknown): Bag[] =>
	isBag(values) && Array.isArray(values.messages)
		? values.messages.filter(isBag)
		: [];

/** The default output: the last AI message's text, else `values.answer`, else the whole state. */
export function defaultOutput(values: unknown): unknown {
	const ai = messagesOf(values).filter((m) => typeOf(m) === "ai");
	const last = ai.at(-1);
	if (last !== undefined) return textOfContent(last.content);
	if (isBag(values) && "answer" in values) return values.answer;
	return values;
}

/** Every tool call the AI messages of the state asked for, in order. */
export function toolCallsOf(
	values: unknown,
): { name: string; args: Record<string, unknown> }[] {
	return messagesOf(values).flatMap((m) =>
		Array.isArray(m.tool_calls)
			? m.tool_calls.filter(isBag).map((c) => ({
					name: String(c.name),
					args: isBag(c.args) ? c.args : {},
				}))
			: [],
	);
}
