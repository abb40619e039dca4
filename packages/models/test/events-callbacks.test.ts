import {
	MODEL_EVENT_NAME,
	type ModelEvent,
	ModelRouter,
	weftMetadata,
} from "@weft/models";
import { describe, expect, it } from "vitest";
import { eventLog, FakeModel } from "./fake-model.ts";

describe("events", () => {
	it("emits route, attempt, retry, fallback, usage in order, tied by one callId", async () => {
		const a = new FakeModel("a", [{ fail: { status: 500 } }]);
		const b = new FakeModel("b", [{ content: "ok" }]);
		const log = eventLog();
		const router = new ModelRouter({
			models: {
				a: { model: a, retry: { maxRetries: 1, initialDelayMs: 0 } },
				b,
			},
			onEvent: log.onEvent,
		});
		const out = await router.invoke("hi");
		expect(log.events.map((e) => e.type)).toEqual([
			"route",
			"attempt",
			"retry",
			"attempt",
			"fallback",
			"attempt",
			"usage",
		]);
		expect(new Set(log.events.map((e) => e.callId))).toEqual(
			new Set([weftMetadata(out)!.callId]),
		);
		expect(log.of("usage")[0]).toMatchObject({
			model: "b",
			attempts: 3,
			cache: "miss",
			route: "default",
		});
	});

	it("dispatches the same events as LangChain custom events to callbacks", async () => {
		const model = new FakeModel("m", [{ content: "ok" }]);
		const seen: ModelEvent[] = [];
		await new ModelRouter({ models: { model } }).invoke("hi", {
			callbacks: [
				{
					handleCustomEvent: (name: string, data: ModelEvent) => {
						if (name === MODEL_EVENT_NAME) seen.push(data);
					},
				},
			],
		});
		expect(seen.map((e) => e.type)).toEqual(["route", "attempt", "usage"]);
	});

	it("shows up in streamEvents", async () => {
		const model = new FakeModel("m", [{ content: "ok" }]);
		const names: string[] = [];
		for await (const ev of new ModelRouter({ models: { model } }).streamEvents(
			"hi",
			{ version: "v2" },
		)) {
			if (ev.event === "on_custom_event")
				names.push(`${ev.name}:${(ev.data as ModelEvent).type}`);
		}
		expect(names).toEqual([
			`${MODEL_EVENT_NAME}:route`,
			`${MODEL_EVENT_NAME}:attempt`,
			`${MODEL_EVENT_NAME}:usage`,
		]);
	});
});
