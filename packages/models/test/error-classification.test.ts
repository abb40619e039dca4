import { describeError } from "@weft/models";
import { describe, expect, it } from "vitest";

const withCause = (message: string, code: string) =>
	Object.assign(new TypeError(message), { cause: { code } });

describe("describeError reads provider and network errors", () => {
	it.each([
		[
			"OpenAI-style 429",
			{
				status: 429,
				headers: { "retry-after-ms": "1500" },
				message: "Rate limit",
			},
			{ kind: "rate_limit", status: 429, retryAfterMs: 1500 },
		],
		[
			"Anthropic 529 overloaded",
			{ status: 529, message: "Overloaded" },
			{ kind: "server", status: 529 },
		],
		["a 408", { status: 408, message: "timeout" }, { kind: "timeout" }],
		[
			"a 400 via response.status",
			{ response: { status: 400 }, message: "bad" },
			{ kind: "bad_request", status: 400 },
		],
		["a 403", { statusCode: 403, message: "forbidden" }, { kind: "auth" }],
		[
			"a 404 model",
			{ status: 404, message: "model not found" },
			{ kind: "not_found" },
		],
		[
			"LangChain's rate-limit code",
			{ lc_error_code: "MODEL_RATE_LIMIT", message: "429" },
			{ kind: "rate_limit" },
		],
		[
			"fetch failed",
			withCause("fetch failed", "UND_ERR_SOCKET"),
			{ kind: "network" },
		],
		[
			"ECONNREFUSED",
			Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
			{ kind: "network" },
		],
		[
			"a TimeoutError",
			Object.assign(new Error("t"), { name: "TimeoutError" }),
			{ kind: "timeout" },
		],
		[
			"an AbortError",
			Object.assign(new Error("a"), { name: "AbortError" }),
			{ kind: "aborted" },
		],
		[
			"a plain Error",
			new Error("boom"),
			{ kind: "unknown", status: undefined },
		],
		["a string", "weird", { kind: "unknown", message: "weird" }],
		["null", null, { kind: "unknown", message: "null" }],
		[
			"an out-of-range status",
			{ status: 999, message: "?" },
			{ kind: "unknown", status: undefined },
		],
	])("%s", (_name, error, expected) => {
		expect(describeError(error)).toMatchObject(expected);
	});
});
