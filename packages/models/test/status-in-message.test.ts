// Outside check (7 Dec): an error that carries its HTTP status only in its message (a proxy's, a hand-made
// client's `new Error("429 Too Many Requests")`) classified as `unknown`, so it failed the call where the
// same error with a `status` field retried or fell back.
import { describeError, ModelRouter, weftMetadata } from "@weft/models";
import { describe, expect, it } from "vitest";
import { FakeModel } from "./fake-model.ts";

describe("an HTTP status said only in the message", () => {
	it.each([
		["429 Too Many Requests", "rate_limit", 429],
		["Request failed with status code 503", "server", 503],
		["upstream answered HTTP 502 Bad Gateway", "server", 502],
		["HTTP/1.1 504 Gateway Timeout", "server", 504],
		["status: 401, invalid api key", "auth", 401],
		["statusCode=500", "server", 500],
		["503 Service Unavailable", "server", 503],
		["408 Request Timeout", "timeout", 408],
	])("%s → %s", (message, kind, status) => {
		expect(describeError(new Error(message))).toMatchObject({ kind, status });
	});

	it.each([
		"processed 429 items before it broke",
		"took 503 ms",
		"the prompt has 500 tokens",
		"error 503",
		"503",
		"429 Service Unavailable",
	])("is not guessed from other numbers: %s", (message) => {
		expect(describeError(new Error(message))).toMatchObject({
			kind: "unknown",
			status: undefined,
		});
	});

	it("a status field, or a kind the error's name or code says, wins over the text", () => {
		expect(
			describeError(Object.assign(new Error("status 500"), { status: 400 })),
		).toMatchObject({ kind: "bad_request", status: 400 });
		expect(
			describeError(
				Object.assign(new Error("status 500"), { name: "TimeoutError" }),
			),
		).toMatchObject({ kind: "timeout", status: undefined });
	});

	it("such an error falls back as a 503 with a status field does", async () => {
		const a = new FakeModel("a", [
			() => {
				throw new Error("503 Service Unavailable");
			},
		]);
		const b = new FakeModel("b", [{ content: "from b" }]);
		const router = new ModelRouter({
			models: { a, b },
			retry: { maxRetries: 0 },
		});
		const out = await router.invoke("hi");
		expect(weftMetadata(out)?.model).toBe("b");
	});
});
