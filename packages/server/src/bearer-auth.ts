import { createHash, timingSafeEqual } from "node:crypto";
import type { Authenticate } from "./context.ts";

/**
 * The default `authenticate`: `Authorization: Bearer <token>` for one of `tokens`
 * (`"token"`, `"identity:token"` or `"identity:token:scope1+scope2"`; a token holds no `:`). A bare
 * token's identity is `token-` and 16 hex digits of its SHA-256: distinct tokens are distinct owners
 * (it was the token's first four characters, which two tokens could share). Scopes reach
 * `AuthUser.scopes` (e.g. the `answerScope` a human checkpoint needs).
 * Read from `WEFT_API_TOKENS` (comma separated) when not given.
 */
export function bearerTokens(
	tokens: string[] = (process.env.WEFT_API_TOKENS ?? "").split(","),
): Authenticate {
	const known = tokens
		.map((t) => t.trim())
		.filter((t) => t !== "")
		.map((t) => {
			const parts = t.split(":");
			if (parts.length === 1)
				return { identity: bareIdentity(t), token: t, scopes: [] };
			return {
				identity: parts[0]!,
				token: parts[1]!,
				scopes: (parts[2] ?? "").split("+").filter((s) => s !== ""),
			};
		});
	return (request) => {
		const header = request.headers.get("authorization") ?? "";
		const match = /^Bearer\s+(.+)$/i.exec(header);
		if (match === null) return null;
		const given = Buffer.from(match[1]!.trim());
		const found = known.find((k) => {
			const want = Buffer.from(k.token);
			return want.length === given.length && timingSafeEqual(want, given);
		});
		return found === undefined
			? null
			: { identity: found.identity, scopes: found.scopes };
	};
}

/** The owner name of a bare token: stable, and distinct for distinct tokens (not the token itself). */
function bareIdentity(token: string): string {
	return `token-${createHash("sha256").update(token).digest("hex").slice(0, 16)}`;
}
