import { checkpointerConformance } from "@weft/checkpoint/conformance";
import { PostgresCheckpointer } from "@weft/checkpoint-postgres";
import { describe } from "vitest";
import { corrupter } from "./corrupt.ts";
import {
	admin,
	CONNECTION,
	freshSchema,
	postgresAvailable,
} from "./postgres.ts";

if (await postgresAvailable()) {
	checkpointerConformance("postgres", async () => {
		const schema = freshSchema();
		const checkpointer = await PostgresCheckpointer.connect({
			connectionString: CONNECTION,
			schema,
		});
		return {
			checkpointer,
			corrupt: corrupter(schema),
			cleanup: async () => {
				await checkpointer.close();
				await admin(`DROP SCHEMA "${schema}" CASCADE`);
			},
		};
	});
} else {
	describe.skip("checkpointer conformance: postgres (no server outside CI)", () => {});
}
