import { createHash, timingSafeEqual } from "node:crypto";
import { WeftError } from "@weft/checkpoint";
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
	const known = parseApiTokens(tokens);
	return (request) => {
		const header = request.headers.get("authorization") ?? "";
		const match = /^Bearer\s+(.+)$/i.exec(header);
		if (match === null) return null;
		const given = Buffer.from(match[1]!.trim());
		if (given.length === 0) return null; // `Bearer` and a no-break space: no token, whatever is known
		const found = known.find((k) => {
			const want = Buffer.from(k.token);
			return want.length === given.length && timingSafeEqual(want, given);
		});
		return found === undefined
			? null
			: { identity: found.identity, scopes: found.scopes };
	};
}

interface KnownToken {
	identity: string;
	token: string;
	scopes: string[];
}

/**
 * The entries of `WEFT_API_TOKENS` (blank ones skipped), or CONFIG_INVALID naming the first bad one by
 * its place and identity, never its token. An empty token (`admin:$UNSET:approver`) is refused: it would
 * be matched by a header holding only whitespace (decision 0239).
 */
export function parseApiTokens(tokens: string[]): KnownToken[] {
	const known: (KnownToken & { place: number })[] = [];
	tokens.forEach((raw, i) => {
		const entry = raw.trim();
		if (entry === "") return;
		const place = i + 1;
		const parts = entry.split(":");
		const parsed =
			parts.length === 1
				? { identity: bareIdentity(entry), token: entry, scopes: [] }
				: {
						identity: parts[0]!, // as before: an owner's name stays what it was
						token: (parts[1] ?? "").trim(),
						scopes: (parts[2] ?? "").split("+").filter((s) => s !== ""),
					};
		const named = parts.length === 1 ? "" : ` (${parsed.identity})`;
		if (parts.length > 3)
			throw badEntry(
				`entry ${place}${named} has more than identity:token:scopes`,
				"a token holds no `:`; separate scopes with + (ada:token:approver+reader)",
			);
		if (parsed.identity.trim() === "")
			throw badEntry(
				`entry ${place} has no identity before its \`:\``,
				"write it as identity:token, or the token alone",
			);
		if (parsed.token === "")
			throw badEntry(
				`entry ${place}${named} has no token`,
				"an unset shell variable in identity:$TOKEN leaves it empty, and an empty token would let a header holding only whitespace in: set the variable, or drop the entry",
			);
		const twin = known.find((k) => k.token === parsed.token);
		if (twin !== undefined)
			throw badEntry(
				`entries ${twin.place} (${twin.identity}) and ${place} (${parsed.identity}) share one token`,
				"give each identity a token of its own: a shared one is always the first identity's",
			);
		known.push({ ...parsed, place });
	});
	return known.map(({ place: _place, ...k }) => k);
}

function badEntry(what: string, hint: string): WeftError {
	return new WeftError("CONFIG_INVALID", `WEFT_API_TOKENS ${what}`, {
		hint,
	});
}

/** The owner name of a bare token: stable, and distinct for distinct tokens (not the token itself). */
function bareIdentity(token: string): string {
	return `token-${createHash("sha256").update(token).digest("hex").slice(0, 16)}`;
}
