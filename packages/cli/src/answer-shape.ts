import { humanSchemas, isWeftError, ValidationError } from "@weft/graph";
import { shellWord } from "./store.ts";

// Which command answers a pending request. `approve` and `reject` send `{ action }` answers, which a
// question asked with `human(name).ask` whose response has no `action` refuses: such a request is
// answered with `resume --value`, in the shape its response schema asks for (decision 0267).

type JsonSchema = {
	type?: unknown;
	const?: unknown;
	enum?: unknown[];
	properties?: Record<string, JsonSchema>;
	required?: string[];
	anyOf?: JsonSchema[];
	oneOf?: JsonSchema[];
	items?: unknown;
};

/** A request's answer: a free one (`resume --value <example>`), or undefined when approve/reject fit or none can tell. */
export interface FreeAnswer {
	/** A value of the response's shape to paste (its required keys), shell-quoted. */
	value: string;
	/** The keys it may also have. */
	optional: string[];
}

/**
 * The free answer a pending request takes, when it is a `human()` question declared in this process (its
 * graph module loaded) whose response schema has no `action` field; undefined otherwise (a tool approval,
 * an `{ action }` response, a plain `ctx.interrupt`, or a module not loaded: approve/reject may fit).
 */
export function freeAnswer(request: unknown): FreeAnswer | undefined {
	const name = (request as { human?: unknown } | null)?.human;
	if (typeof name !== "string") return undefined;
	const schemas = humanSchemas(name);
	if (schemas === undefined) return undefined;
	let json: JsonSchema;
	try {
		// the schema's own method: no `zod` import of ours (it would load zod into every command)
		json = (
			schemas.response as unknown as {
				toJSONSchema(o: object): JsonSchema;
			}
		).toJSONSchema({ io: "input", unrepresentable: "any" });
	} catch {
		return undefined;
	}
	if (hasAction(json)) return undefined;
	const optional = Object.keys(json.properties ?? {}).filter(
		(k) => !(json.required ?? []).includes(k),
	);
	return { value: shellWord(JSON.stringify(example(json, 0))), optional };
}

/** Whether the response (or every branch of a union of it) is an `{ action }` object. */
function hasAction(s: JsonSchema): boolean {
	const branches = s.oneOf ?? s.anyOf;
	if (branches !== undefined && branches.length > 0)
		return branches.some(hasAction);
	return s.properties?.action !== undefined;
}

/** A value of the schema's shape: its required keys, with placeholders a person replaces. */
function example(s: JsonSchema, depth: number): unknown {
	if (s.const !== undefined) return s.const;
	if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
	const branch = (s.anyOf ?? s.oneOf)?.[0];
	if (branch !== undefined) return example(branch, depth);
	const type = Array.isArray(s.type) ? s.type[0] : s.type;
	switch (type) {
		case "number":
		case "integer":
			return 0;
		case "boolean":
			return true;
		case "null":
			return null;
		case "array":
			return [];
		case "object": {
			if (depth > 3) return {};
			const out: Record<string, unknown> = {};
			for (const key of s.required ?? [])
				out[key] = example(s.properties?.[key] ?? {}, depth + 1);
			return out;
		}
		default:
			return "…";
	}
}

/** `resume <thread> --value '<example>'`, after the `weft` words and the thread's options (`rest`). */
export function resumeCommand(
	weft: string,
	thread: string,
	rest: string,
	free: FreeAnswer,
): string {
	return `${weft} resume ${thread}${rest} --value ${free.value}`;
}

/** What the example leaves out, said after the command ("" when nothing). */
export const optionalNote = (free: FreeAnswer): string =>
	free.optional.length === 0
		? ""
		: ` (it may also give ${free.optional.join(", ")})`;

/**
 * `approve` or `reject` refused by a question whose answer has no `action` (`human(name).ask` with a
 * response of its own shape): the refusal again, its hint naming the `resume` that answers it. `at`: the
 * command's `--id`/`--checkpoint` words.
 */
export function notAnApproval(
	error: unknown,
	kind: "approve" | "reject" | "value",
	request: unknown,
	weft: string,
	thread: string,
	at: string,
): ValidationError | undefined {
	if (kind === "value" || !isWeftError(error, "VALIDATION_FAILED"))
		return undefined;
	const free = freeAnswer(request);
	if (free === undefined) return undefined;
	const refused = error as ValidationError;
	return new ValidationError(refused.message, {
		...(refused.node === undefined ? {} : { node: refused.node }),
		issues: refused.issues,
		hint: `this question is not an approval: its answer has no action, so \`${kind}\` cannot answer it; answer with \`${resumeCommand(weft, thread, at, free)}\`${optionalNote(free)}; the request is still pending`,
		cause: error,
	});
}
