import { AIMessage, type AIMessageFields } from "@langchain/core/messages";
import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import { configInvalid } from "../config-check.ts";
import type { Guard } from "./guard.ts";

/** Options of `toolAllowListGuard`. */
export interface ToolAllowListGuardOptions {
	allow: readonly string[];
	/** "block" (default) throws GuardrailError; "rewrite" drops the calls to other tools. */
	action?: "block" | "rewrite" | undefined;
	name?: string | undefined;
}

/**
 * Lets an agent call only the listed tools: other bound tools are not sent to the model, and an
 * answer calling any other tool is blocked (or the calls are dropped).
 */
const OPTION_KEYS = keysOf<ToolAllowListGuardOptions>({
	allow: true,
	action: true,
	name: true,
});

export function toolAllowListGuard(options: ToolAllowListGuardOptions): Guard {
	refuseUnknownKeys(options, OPTION_KEYS, "toolAllowListGuard");
	// no list would allow nothing and block every call: a forgotten option, said at once
	if (
		options === null ||
		typeof options !== "object" ||
		!Array.isArray(options.allow) ||
		!options.allow.every((t) => typeof t === "string")
	)
		throw configInvalid(
			"toolAllowListGuard needs allow: the names of the tools the agent may call",
			'pass toolAllowListGuard({ allow: ["search", "lookup"] }) (an empty list allows none)',
		);
	const allowed = new Set(options.allow);
	return {
		name: options.name ?? "tool-allow-list",
		stages: ["output"],
		action: options.action ?? "block",
		allowedTools: options.allow,
		check(ctx) {
			const out = ctx.output;
			if (out === undefined) return { ok: true };
			const calls = out.tool_calls ?? [];
			const invalid = out.invalid_tool_calls ?? [];
			const denied = [...calls, ...invalid].filter(
				(c) => !allowed.has(c.name ?? ""),
			);
			if (denied.length === 0) return { ok: true };
			const findings = denied.map((c) => ({
				kind: "tool_not_allowed",
				excerpt: String(c.name),
			}));
			const output = new AIMessage(<AIMessageFields>{
				content: out.content,
				id: out.id,
				tool_calls: calls.filter((c) => allowed.has(c.name)),
				invalid_tool_calls: invalid.filter((c) => allowed.has(c.name ?? "")),
				additional_kwargs: out.additional_kwargs,
				response_metadata: out.response_metadata,
				...(out.usage_metadata === undefined
					? {}
					: { usage_metadata: out.usage_metadata }),
			});
			return { ok: false, findings, rewrite: { output } };
		},
	};
}
