import { describe, expect, it } from "vitest";
import {
	ConfigError,
	JsonSerializer,
	registerSerializableType,
} from "../src/index.ts";

class Money {
	constructor(readonly cents: number) {}
}

describe("registerSerializableType", () => {
	it("refuses a descriptor without its functions, and the name stays free for a good one", () => {
		const bad = [
			{ name: "audit.money", serialize: (v: unknown) => v },
			{ name: "", test: () => false, toPlain: String, fromPlain: String },
			{ name: 5, test: () => false, toPlain: String, fromPlain: String },
			null,
		];
		for (const type of bad) {
			let thrown: unknown;
			try {
				registerSerializableType(type as never);
			} catch (error) {
				thrown = error;
			}
			expect(thrown).toBeInstanceOf(ConfigError);
			expect(thrown).toMatchObject({ code: "CONFIG_INVALID" });
			expect((thrown as ConfigError).hint).toMatch(/toPlain/);
		}
		expect(() =>
			registerSerializableType({
				name: "audit.money",
				test: () => false,
			} as never),
		).toThrow(/"audit.money" has no toPlain, fromPlain functions/);

		// nothing was kept: values of other types still store, and the good descriptor takes the name
		const serializer = new JsonSerializer();
		const at = new Date(0);
		expect(serializer.deserialize(serializer.serialize({ at, n: 1 }))).toEqual({
			at,
			n: 1,
		});
		registerSerializableType<Money>({
			name: "audit.money",
			test: (v): v is Money => v instanceof Money,
			toPlain: (m) => ({ cents: m.cents }),
			fromPlain: (p) => new Money((p as { cents: number }).cents),
		});
		const back = serializer.deserialize(
			serializer.serialize({ price: new Money(7), at }),
		) as { price: Money; at: Date };
		expect(back.price).toBeInstanceOf(Money);
		expect(back.price.cents).toBe(7);
		expect(back.at).toEqual(at);
	});
});
