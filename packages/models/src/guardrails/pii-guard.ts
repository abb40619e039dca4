import {
	AIMessage,
	type AIMessageFields,
	type BaseMessage,
} from "@langchain/core/messages";
import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import { configInvalid, describe, isStringList } from "../config-check.ts";
import type { GuardFinding } from "../errors.ts";
import {
	type Guard,
	type GuardStage,
	type GuardVerdict,
	mapText,
	textOf,
} from "./guard.ts";

/** A pattern to find, how to mask what it found in findings, and what to put in its place. */
export interface Detector {
	kind: string;
	pattern: RegExp;
	/** Further check on a match (e.g. Luhn for cards). */
	accept?: ((match: string) => boolean) | undefined;
	/** The redacted form shown in findings. Default: `[KIND]`. */
	mask?: ((match: string) => string) | undefined;
	/** What replaces a match when rewriting. Default: `[KIND]`. */
	replacement?: string | undefined;
}

const digits = (s: string) => s.replace(/\D/g, "");

function luhn(s: string): boolean {
	const d = digits(s);
	let sum = 0;
	for (let i = 0; i < d.length; i++) {
		let n = Number(d[d.length - 1 - i]);
		if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
		sum += n;
	}
	return d.length >= 13 && d.length <= 19 && sum % 10 === 0;
}

/** Built-in detectors: e-mail addresses, card numbers (Luhn-checked), phone numbers (9–15 digits). */
export const PII_DETECTORS = {
	email: {
		kind: "email",
		pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
		mask: (m: string) => `${m[0]}***@***${m.slice(m.lastIndexOf("."))}`,
	},
	card: {
		kind: "card",
		pattern: /\b\d(?:[ -]?\d){12,18}\b/g,
		accept: luhn,
		mask: (m: string) => `**** ${digits(m).slice(-4)}`,
	},
	phone: {
		kind: "phone",
		pattern: /(?<![\w+])\+?\(?\d[\d\s().-]{7,}\d(?!\w)/g,
		// 9–15 digits, and not a date-time or an IPv4 address.
		accept: (m: string) =>
			digits(m).length >= 9 &&
			digits(m).length <= 15 &&
			!/\d{4}-\d{2}-\d{2}/.test(m) &&
			!/^\d{1,3}(\.\d{1,3}){3}$/.test(m.trim()),
		mask: (m: string) => `***${digits(m).slice(-2)}`,
	},
} satisfies Record<string, Detector>;

/** Replaces what the detectors find; returns the new text and the (masked) findings. */
export function redact(
	text: string,
	detectors: readonly Detector[],
): { text: string; findings: GuardFinding[] } {
	const findings: GuardFinding[] = [];
	let out = text;
	for (const d of detectors) {
		out = out.replace(
			new RegExp(
				d.pattern.source,
				d.pattern.flags.includes("g") ? d.pattern.flags : `${d.pattern.flags}g`,
			),
			(match) => {
				if (d.accept !== undefined && !d.accept(match)) return match;
				findings.push({
					kind: d.kind,
					excerpt: d.mask?.(match) ?? `[${d.kind.toUpperCase()}]`,
				});
				return d.replacement ?? `[${d.kind.toUpperCase()}]`;
			},
		);
	}
	return { text: out, findings };
}

/** Options of a pattern guard. */
export interface PatternGuardOptions {
	name?: string | undefined;
	/** Default ["input", "output"]. */
	stages?: GuardStage[] | undefined;
	/** "rewrite" (default) redacts; "block" throws GuardrailError. */
	action?: "block" | "rewrite" | undefined;
	/** Input messages checked, by type. Default ["human", "tool"]. */
	roles?: string[] | undefined;
}

/** A guard that finds patterns in input messages and in the output, and redacts or blocks. */
const PATTERN_KEYS = keysOf<PatternGuardOptions>({
	name: true,
	stages: true,
	action: true,
	roles: true,
});
const PII_KEYS: ReadonlySet<string> = new Set([...PATTERN_KEYS, "detect"]);

export function patternGuard(
	detectors: readonly Detector[],
	options: PatternGuardOptions = {},
): Guard {
	checkDetectors(detectors);
	refuseUnknownKeys(options, PATTERN_KEYS, "patternGuard");
	const roles = options.roles ?? ["human", "tool"];
	checkRoles(roles);
	return {
		name: options.name ?? "pattern",
		stages: options.stages ?? ["input", "output"],
		action: options.action ?? "rewrite",
		check(ctx): GuardVerdict {
			const findings: GuardFinding[] = [];
			const scan = <TMessage extends BaseMessage>(
				m: TMessage,
				i: number | undefined,
			): TMessage => {
				if (redact(textOf(m), detectors).findings.length === 0) return m;
				return mapText(m, (t) => {
					const r = redact(t, detectors);
					findings.push(...r.findings.map((f) => ({ ...f, messageIndex: i })));
					return r.text;
				});
			};
			if (ctx.stage === "output") {
				let output =
					ctx.output === undefined ? undefined : scan(ctx.output, undefined);
				// the arguments of the tool calls too: they reach the tools, and the next model call
				const calls = output?.tool_calls ?? [];
				if (output !== undefined && calls.length > 0) {
					const before = findings.length;
					const redacted = calls.map((c) => ({
						...c,
						args: inLeaves(c.args, (t) => {
							const r = redact(t, detectors);
							findings.push(...r.findings);
							return r.text;
						}) as Record<string, unknown>,
					}));
					if (findings.length > before)
						output = new AIMessage(<AIMessageFields>{
							content: output.content,
							id: output.id,
							tool_calls: redacted,
							invalid_tool_calls: output.invalid_tool_calls,
							additional_kwargs: output.additional_kwargs,
							response_metadata: output.response_metadata,
							...(output.usage_metadata === undefined
								? {}
								: { usage_metadata: output.usage_metadata }),
						});
				}
				return findings.length === 0
					? { ok: true }
					: { ok: false, findings, rewrite: { output } };
			}
			const messages = ctx.messages.map((m, i) =>
				roles.includes(m.getType()) ? scan(m, i) : m,
			);
			return findings.length === 0
				? { ok: true }
				: { ok: false, findings, rewrite: { messages } };
		},
	};
}

/**
 * Redacts (or blocks on) e-mail addresses, phone numbers and card numbers in input and output.
 * @example
 * piiGuard({ detect: ["email", "card"], action: "block", stages: ["input"] })
 */
export function piiGuard(
	options: PatternGuardOptions & {
		detect?: (keyof typeof PII_DETECTORS)[] | undefined;
	} = {},
): Guard {
	// Cards first: a card number would otherwise also read as a phone number.
	refuseUnknownKeys(options, PII_KEYS, "piiGuard");
	const { detect: given, ...patternOptions } = options;
	const order = ["email", "card", "phone"] as const;
	const detect = given ?? order;
	const unknown: unknown = isStringList(detect, true)
		? detect.find((k) => !(order as readonly string[]).includes(k))
		: detect;
	if (unknown !== undefined)
		throw configInvalid(
			`piiGuard's detect must be a non-empty list of ${order.map((k) => `"${k}"`).join(", ")}, got ${describe(unknown)}${Array.isArray(detect) && detect.length > 0 ? " in it" : ""}`,
			'name the kinds to find, like detect: ["email", "card"], or leave it out for all of them; for other patterns use patternGuard',
		);
	return patternGuard(
		order.filter((k) => detect.includes(k)).map((k) => PII_DETECTORS[k]),
		{ ...patternOptions, name: options.name ?? "pii" },
	);
}

/** The message types a pattern guard's `roles` may name (what `message.getType()` returns). */
const MESSAGE_TYPES = [
	"human",
	"ai",
	"system",
	"tool",
	"developer",
	"generic",
	"function",
];

/** Detectors must be a non-empty list of `{ kind, pattern: RegExp }`: anything else failed every call. */
function checkDetectors(detectors: unknown): void {
	const hint =
		'pass a list of detectors, like patternGuard([{ kind: "ticket", pattern: /TCK-\\d+/g }]), or use piiGuard()';
	if (!Array.isArray(detectors) || detectors.length === 0)
		throw configInvalid(
			`patternGuard needs a non-empty list of detectors, got ${describe(detectors)}${Array.isArray(detectors) ? " (empty)" : ""}`,
			hint,
		);
	detectors.forEach((d: unknown, i) => {
		const bad =
			d === null || typeof d !== "object"
				? `is ${describe(d)}`
				: typeof (d as Detector).kind !== "string" ||
						(d as Detector).kind === ""
					? `has no kind (got ${describe((d as Detector).kind)})`
					: !((d as Detector).pattern instanceof RegExp)
						? `("${(d as Detector).kind}") has a pattern that is no RegExp (got ${describe((d as Detector).pattern)})`
						: undefined;
		if (bad !== undefined)
			throw configInvalid(
				`patternGuard's detectors[${i}] ${bad}; a detector is { kind, pattern: RegExp }`,
				hint,
			);
	});
}

/** Roles are message types: "user" or "assistant" matched no message, so nothing was checked. */
function checkRoles(roles: unknown): void {
	const unknown: unknown = isStringList(roles, true)
		? roles.find((r) => !MESSAGE_TYPES.includes(r))
		: roles;
	if (unknown !== undefined)
		throw configInvalid(
			`a pattern guard's roles must be a non-empty list of message types (${MESSAGE_TYPES.map((t) => `"${t}"`).join(", ")}), got ${describe(unknown)}${Array.isArray(roles) && roles.length > 0 ? " in it" : ""}`,
			'name message types as LangChain does: "human" (not "user"), "ai" (not "assistant"), "tool"; or leave roles out for ["human", "tool"]',
		);
}

/** `value` with every string in it (at any depth of arrays and plain objects) passed through `fn`. */
function inLeaves(value: unknown, fn: (text: string) => string): unknown {
	if (typeof value === "string") return fn(value);
	if (Array.isArray(value)) return value.map((v) => inLeaves(v, fn));
	if (value !== null && typeof value === "object")
		return Object.fromEntries(
			Object.entries(value).map(([k, v]) => [k, inLeaves(v, fn)]),
		);
	return value;
}
