import { fileURLToPath } from "node:url";
import { it } from "vitest";
import {
	freshDatabase,
	postgresAvailable,
	startProcess,
} from "./fixtures/processes.ts";
import { sdkAuditSuite } from "./fixtures/sdk-audit-suite.ts";

const fixture = (file: string) =>
	fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
const graphArgs = [
	...["abc", "boom", "chat", "nested"].flatMap((g) => [
		"--graph",
		`${g}=${fixture("audit-graphs.ts")}#${g}`,
	]),
	...["review", "slow"].flatMap((g) => [
		"--graph",
		`${g}=${fixture("graphs.ts")}#${g}`,
	]),
];

if (await postgresAvailable())
	sdkAuditSuite("weft serve + weft worker on Postgres", async () => {
		const db = await freshDatabase("weft_audit");
		const api = await startProcess(
			["serve", "--postgres", db.url, ...graphArgs, "--port", "0"],
			/listening on (http:\/\/[^\s]+)/,
		);
		const worker = await startProcess(
			["worker", "--postgres", db.url, ...graphArgs, "--concurrency", "4"],
			/weft worker: ready/,
		);
		return {
			url: api.match[1]!,
			close: async () => {
				await worker.stop();
				await api.stop();
				await db.drop();
			},
		};
	});
else it.skip("the audit's SDK cases on Postgres (run with CI=true)", () => {});
