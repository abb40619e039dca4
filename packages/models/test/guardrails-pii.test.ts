import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import {
	GuardrailError,
	ModelRouter,
	PII_DETECTORS,
	piiGuard,
	redact,
} from "@weft/models";
import { describe, expect, it } from "vitest";
import { eventLog, FakeModel } from "./fake-model.ts";

const detectors = [
	PII_DETECTORS.email,
	PII_DETECTORS.card,
	PII_DETECTORS.phone,
];

describe("PII guard", () => {
	it("redacts e-mails, card numbers and phone numbers in what the model sees", async () => {
		const model = new FakeModel("m", [{ content: "noted" }]);
		const log = eventLog();
		const router = new ModelRouter({
			models: { model },
			guards: [piiGuard()],
			onEvent: log.onEvent,
		});
		await router.invoke([
			new SystemMessage("support@acme.example is our address"),
			new HumanMessage(
				"I'm jane.doe@example.com, card 4111 1111 1111 1111, call +1 (415) 555-0134",
			),
		]);
		const seen = model.calls[0]!.messages.map((m) => String(m.content));
		expect(seen[0]).toBe("support@acme.example is our address"); // system messages are not scanned by default
		expect(seen[1]).toBe("I'm [EMAIL], card [CARD], call [PHONE]");
		const [event] = log.of("guardrail");
		expect(event).toMatchObject({
			guard: "pii",
			stage: "input",
			action: "rewrote",
		});
		expect(event!.findings.map((f) => f.excerpt)).toEqual([
			"j***@***.com",
			"**** 1111",
			"***34",
		]);
		expect(JSON.stringify(event)).not.toContain("jane.doe");
	});

	it("redacts the answer too", async () => {
		const model = new FakeModel("m", [{ content: "Write to bob@corp.io" }]);
		const out = await new ModelRouter({
			models: { model },
			guards: [piiGuard()],
		}).invoke("who?");
		expect(out.content).toBe("Write to [EMAIL]");
	});

	it("redacts the arguments of the answer's tool calls (they reach the tools)", async () => {
		const model = new FakeModel("m", [
			{
				content: "mailing bob@corp.com",
				toolCalls: [
					{
						name: "send",
						args: {
							to: "alice@corp.com",
							card: "4111 1111 1111 1111",
							cc: ["eve@corp.com"],
							n: 3,
						},
					},
				],
			},
		]);
		const out = await new ModelRouter({
			models: { model },
			guards: [piiGuard()],
		}).invoke("mail them");
		expect(out.content).toBe("mailing [EMAIL]");
		expect(out.tool_calls?.[0]?.args).toEqual({
			to: "[EMAIL]",
			card: "[CARD]",
			cc: ["[EMAIL]"],
			n: 3,
		});
		expect(out.tool_calls?.[0]?.name).toBe("send");
	});

	it("blocks with a GuardrailError that holds only redacted findings", async () => {
		const model = new FakeModel("m", [{ content: "never" }]);
		const router = new ModelRouter({
			models: { model },
			guards: [piiGuard({ action: "block", detect: ["card"] })],
		});
		const err = (await router
			.invoke("pay with 5555 5555 5555 4444")
			.catch((e: unknown) => e)) as GuardrailError;
		expect(err).toBeInstanceOf(GuardrailError);
		expect(err).toMatchObject({
			guard: "pii",
			stage: "input",
			findings: [{ kind: "card", excerpt: "**** 4444", messageIndex: 0 }],
		});
		expect(err.message).not.toContain("5555");
		expect(model.calls).toHaveLength(0);
	});

	it("leaves numbers that are not cards or phones alone", () => {
		const text =
			"Order 1234567812345678 on 2024-01-01 12:30:45 from 192.168.100.200, ref 12-34, total 1,234.56";
		expect(redact(text, detectors)).toEqual({ text, findings: [] });
		expect(redact("", detectors)).toEqual({ text: "", findings: [] });
	});

	it("redacts text parts of multi-part content and keeps other parts", async () => {
		const model = new FakeModel("m", [{ content: "ok" }]);
		await new ModelRouter({ models: { model }, guards: [piiGuard()] }).invoke([
			new HumanMessage({
				content: [
					{ type: "text", text: "me: a@b.co" },
					{ type: "image_url", image_url: { url: "data:," } },
				],
			}),
		]);
		expect(model.calls[0]!.messages[0]!.content).toEqual([
			{ type: "text", text: "me: [EMAIL]" },
			{ type: "image_url", image_url: { url: "data:," } },
		]);
	});
});
