import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { describe, expect, it } from "vitest";

// checked before any connection is made: no server needed
describe("PostgresCheckpointer.connect options that cannot work", () => {
	it("are CONFIG_INVALID naming the option", async () => {
		for (const [options, named] of [
			[undefined, "connectionString"],
			[null, "connectionString"],
			[{}, "connectionString"],
			[{ connectionString: 5 }, "connectionString"],
			[{ connectionString: "" }, "connectionString"],
			[{ connectionString: "not a url" }, "not a url"],
			[{ connectionString: "mysql://u@h/db" }, "mysql"],
			[{ connectionString: "postgres://u@h/db", schema: 5 }, "schema"],
			[{ connectionString: "postgres://u@h/db", schema: "a-b" }, "a-b"],
			[{ pool: {} }, "pool"],
			[{ connectionString: "postgres://u@h/db", serializer: 5 }, "serializer"],
			[{ connectionString: "postgres://u@h/db", serializer: {} }, "serializer"],
			// outside check (6 Dec): the misspelled schema was ignored (the tables went to "weft"), and
			// pg_catalog failed STORE_UNAVAILABLE at the server
			[{ connectionString: "postgres://u@h/db", shema: "x" }, "shema"],
			[
				{ connectionString: "postgres://u@h/db", schema: "pg_catalog" },
				"pg_catalog",
			],
		] as const) {
			const error = await PostgresCheckpointer.connect(
				options as { connectionString: string },
			).catch((e: unknown) => e);
			expect(error, JSON.stringify(options)).toMatchObject({
				code: "CONFIG_INVALID",
				message: expect.stringContaining(named),
				hint: expect.any(String),
			});
		}
	});
});

// Outside check (6 Dec): the store quoted its schema into SQL unchecked: `x"; CREATE SCHEMA zz; --` ran
// the injected statement before failing; a bad URL failed late, STORE_UNAVAILABLE
describe("PostgresStore.connect options that cannot work", () => {
	it("are CONFIG_INVALID naming the option, before any statement is sent", async () => {
		const { PostgresStore } = await import("@weft/checkpoint-postgres");
		const url = "postgres://u@127.0.0.1:1/db";
		for (const [options, named] of [
			[undefined, "connectionString"],
			[{ connectionString: url, schema: 'x"; CREATE SCHEMA zz; --' }, "schema"],
			[{ connectionString: url, schema: "" }, "schema"],
			[{ connectionString: url, schema: "pg_catalog" }, "pg_catalog"],
			[{ connectionString: "not a url" }, "not a url"],
			[{ connectionString: url, bogus: 1 }, "bogus"],
		] as const) {
			const error = await PostgresStore.connect(options as never).catch(
				(e: unknown) => e,
			);
			expect(error, JSON.stringify(options)).toMatchObject({
				code: "CONFIG_INVALID",
				message: expect.stringContaining(named),
				hint: expect.any(String),
			});
		}
	});
});
