import { describe, expect, it } from "vitest";
import { bearerTokens } from "../src/index.ts";

const ask = (authenticate: ReturnType<typeof bearerTokens>, header: string) =>
	authenticate(
		new Request("http://127.0.0.1/threads", {
			headers: { Authorization: header },
		}),
	);

describe("WEFT_API_TOKENS entries are checked when read (deploy probe, 7 Dec)", () => {
	// found deploying: `admin:$ADMIN_TOKEN:approver` with the variable unset left an empty token that
	// `Bearer <no-break space>` matched: anyone was admin, with its scopes
	it.each([
		[["web:tok-web", "admin::approver"], "entry 2 (admin) has no token"],
		[["web:tok-web", "admin:"], "entry 2 (admin) has no token"],
		[[":tok-x"], "entry 1 has no identity"],
		[["ada:tok:approver:extra"], "entry 1 (ada) has more than"],
		[["ada:same-tok", "bob:same-tok"], "entries 1 (ada) and 2 (bob) share"],
	])(
		"%j is CONFIG_INVALID naming the entry (%s), never the token",
		(tokens, says) => {
			let thrown: unknown;
			try {
				bearerTokens(tokens);
			} catch (error) {
				thrown = error;
			}
			expect(thrown).toMatchObject({ code: "CONFIG_INVALID" });
			const { message, hint } = thrown as { message: string; hint?: string };
			expect(message).toContain(says);
			expect(`${message} ${hint}`).not.toMatch(/tok-web|tok-x|same-tok/);
		},
	);

	it("a header whose token is only whitespace authenticates no one", () => {
		const authenticate = bearerTokens(["ada:tok-a"]);
		expect(ask(authenticate, "Bearer \u00a0")).toBeNull();
		expect(ask(authenticate, "Bearer tok-a")).toMatchObject({
			identity: "ada",
		});
	});

	it("a trailing comma or blank entry is no entry; scopes and bare tokens still read", () => {
		const authenticate = bearerTokens([
			"ada:tok-a:approver+reader",
			"",
			" bare ",
		]);
		expect(ask(authenticate, "Bearer tok-a")).toEqual({
			identity: "ada",
			scopes: ["approver", "reader"],
		});
		expect(ask(authenticate, "Bearer bare")).toMatchObject({
			identity: expect.stringMatching(/^token-[0-9a-f]{16}$/),
		});
	});
});
