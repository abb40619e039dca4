import { fileURLToPath } from "node:url";
import { it } from "vitest";
import { postgresAvailable, serveWithWorker } from "./fixtures/processes.ts";
import { sdkAuditSuite } from "./fixtures/sdk-audit-suite.ts";

const fixture = (file: string) =>
	fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
const graphArgs = [
	...["abc", "boom", "badMerge", "chat", "nested"].flatMap((g) => [
		"--graph",
		`${g}=${fixture("audit-graphs.ts")}#${g}`,
	]),
	...["review", "slow"].flatMap((g) => [
		"--graph",
		`${g}=${fixture("graphs.ts")}#${g}`,
	]),
];

if (await postgresAvailable())
	sdkAuditSuite("weft serve + weft worker on Postgres", () =>
		serveWithWorker("weft_audit", graphArgs, 4),
	);
else it.skip("the audit's SDK cases on Postgres (run with CI=true)", () => {});
