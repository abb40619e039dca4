// Outside check (a damaged row, 4 Dec): one thread whose newest checkpoint no longer reads made the whole
// inbox answer 500, so the studio showed no request at all. Now the inbox lists the others' requests and
// names the thread it could not read, with the store's error.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { damageNewestCheckpoint } from "../../../test-setup/damage-row.ts";
import { ensureChromium, ensureStudioBuilt, launch } from "./browser.ts";
import { refund } from "./fixtures/approval.ts";
import { startWeft, type WeftProcess } from "./weft-process.ts";

const noBrowser = ensureChromium();
let dir: string;
let weft: WeftProcess | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-studio-unreadable-"));
	const path = join(dir, "weft.db");
	const checkpointer = new SqliteCheckpointer({ path });
	const graph = refund.withCheckpointer(checkpointer);
	for (const customer of ["ada", "bob"])
		await graph.run({ customer }, { threadId: customer });
	await checkpointer.close();
	damageNewestCheckpoint(path, "bob");
	weft = await startWeft(["--db", path, "studio", "--port", "0"]);
}, 180_000);
afterAll(async () => {
	await browser?.close();
	await weft?.stop();
	rmSync(dir, { recursive: true, force: true });
});

describe("the studio's inbox with a thread whose data is damaged", () => {
	it("lists the other requests and names the thread it could not read (API)", async () => {
		const res = await fetch(`${weft!.url}/studio/api/inbox`);
		expect(res.status).toBe(200);
		const rows = (await res.json()) as any[];
		expect(rows.find((r) => r.thread_id === "ada")).toMatchObject({
			node: "approve",
			value: { human: "approve-refund" },
		});
		expect(rows.find((r) => r.thread_id === "bob")).toEqual({
			thread_id: "bob",
			checkpoint_id: expect.any(String),
			unreadable: {
				code: "CORRUPT_CHECKPOINT",
				message: expect.stringContaining('of thread "bob" is corrupt'),
			},
			updated_at: expect.any(String),
			graph_id: null,
		});
	});

	it.skipIf(noBrowser !== undefined)(
		"shows both in chromium",
		async () => {
			ensureStudioBuilt();
			browser = await launch();
			const page = await browser.newPage();
			page.setDefaultTimeout(25_000);
			await page.goto(`${weft!.url}/studio/#/inbox`);
			await page
				.locator('li.request[data-thread="ada"]')
				.getByText("approve-refund")
				.waitFor();
			const note = page.getByRole("list", {
				name: "threads that could not be read",
			});
			await note.getByText("CORRUPT_CHECKPOINT").waitFor();
			expect(await note.textContent()).toContain(
				"bob could not be read at checkpoint",
			);
		},
		180_000,
	);
});
