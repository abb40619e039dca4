// A store written encrypted (createSerializer({ encryptionKey })) is read and answered by the CLI with the
// key in WEFT_ENCRYPTION_KEY; without it, each command says to set it (not createSerializer's options).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSerializer } from "@weft/checkpoint";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { graph } from "./fixtures/review-graph.ts";
import { root, weft } from "./run-cli.ts";

vi.setConfig({ testTimeout: 600_000 });

const fixture = join(root, "packages/cli/test/fixtures/review-graph.ts");
const dir = mkdtempSync(join(tmpdir(), "weft-encrypted-"));
const file = join(dir, "weft.db");
const key = randomBytes(32).toString("hex");
const older = randomBytes(32).toString("base64");
const store = ["--db", file, "--graph", fixture];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open = (encryptionKey: string | string[]) =>
	new SqliteCheckpointer({
		path: file,
		serializer: createSerializer({ encryptionKey }),
	});

beforeAll(async () => {
	// written as an application would: its own serializer, with the key
	const cp = open(key);
	const paused = await graph
		.withCheckpointer(cp)
		.run({ topic: "secrets" }, { threadId: "t" });
	expect(paused.status).toBe("interrupted");
	await cp.close();
});

describe("an encrypted SQLite store", () => {
	it("without WEFT_ENCRYPTION_KEY: each command says to set it", async () => {
		const env = { WEFT_ENCRYPTION_KEY: undefined };
		for (const args of [
			["show", "t"],
			["diff", "t", "0", "1"],
			["approve", "t"],
			// across threads too: "nothing is waiting" (exit 0) was what a script watching approvals read
			["pending"],
		]) {
			const r = await weft([...store, ...args], { env });
			expect(r.code, args.join(" ")).toBe(1);
			expect(r.stderr, args.join(" ")).toContain("error DECRYPTION_FAILED");
			expect(r.stderr, args.join(" ")).toContain(
				"set WEFT_ENCRYPTION_KEY to the key that wrote it",
			);
			expect(r.stderr).not.toContain("createSerializer");
		}
		const listed = await weft([...store, "--json", "pending"], { env });
		expect(listed.code).toBe(1);
		expect(listed.json.error.code).toBe("DECRYPTION_FAILED");
	});

	it("with the key: reads, and an answer is stored encrypted too", async () => {
		const env = { WEFT_ENCRYPTION_KEY: key };
		const shown = await weft([...store, "show", "t"], { env });
		expect(shown.stderr).toBe("");
		expect(shown.stdout).toContain("draft: A note on secrets.");
		const diff = await weft([...store, "diff", "t", "0", "1"], { env });
		expect(diff.code).toBe(0);
		expect(diff.stdout).toContain("A note on secrets.");
		const done = await weft([...store, "approve", "t"], { env });
		expect(done.stderr).toBe("");
		expect(done.code).toBe(0);
		// the application reads what the CLI wrote, with its key; without it, nothing
		const cp = open(key);
		expect(
			(await graph.withCheckpointer(cp).getState({ threadId: "t" })).values,
		).toMatchObject({ published: true });
		await cp.close();
		const plain = await weft(["--db", file, "show", "t"], {
			env: { WEFT_ENCRYPTION_KEY: undefined },
		});
		expect(plain.stderr).toContain("DECRYPTION_FAILED");
	});

	it("a comma-separated list rotates keys: the first writes, all read", async () => {
		const r = await weft([...store, "show", "t"], {
			env: { WEFT_ENCRYPTION_KEY: `${older}, ${key}` },
		});
		expect(r.stderr).toBe("");
		expect(r.stdout).toContain("published: true");
	});

	it("a wrong key, and one that is no key, are said as such", async () => {
		const wrong = await weft([...store, "show", "t"], {
			env: { WEFT_ENCRYPTION_KEY: older },
		});
		expect(wrong.code).toBe(1);
		expect(wrong.stderr).toContain("error DECRYPTION_FAILED");
		expect(wrong.stderr).toContain(
			"WEFT_ENCRYPTION_KEY does not hold the key that wrote this data",
		);
		const bad = await weft([...store, "show", "t"], {
			env: { WEFT_ENCRYPTION_KEY: "hunter2" },
		});
		expect(bad.code).toBe(1);
		expect(bad.stderr).toContain("error CONFIG_INVALID WEFT_ENCRYPTION_KEY:");
		expect(bad.stderr).not.toContain("hunter2");
	});
});
