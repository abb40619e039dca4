// `weft approve --edit` on an agent's tool approval changes the keys it gives and keeps the others.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 600_000 });

const agent = join(root, "packages/cli/templates/agent/src/agent.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-edit-"));
const db = ["--db", join(dir, "weft.db")];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("weft approve --edit", () => {
	it("merges the given keys into the tool call's arguments and says what it changed", async () => {
		const run = await weft([
			...db,
			"run",
			agent,
			"--thread",
			"mail",
			"--scopes",
			"mail:send",
			"-m",
			"Tell Bob the release is on Friday",
		]);
		expect(run.code).toBe(0);
		const edited = await weft([
			...db,
			"approve",
			"mail",
			"--edit",
			'{"body":"The release moved to Monday."}',
		]);
		expect(edited.code).toBe(0);
		expect(edited.stdout).toContain(
			"edit send_email: body replaced; to kept as it was",
		);
		const end = await weft([...db, "--json", "show", "mail"]);
		expect(end.json.values.messages.at(-1)).toMatchObject({
			role: "assistant",
			content: "Done: sent to bob@example.com: The release moved to Monday.",
		});
	});
});
