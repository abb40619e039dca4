// Outside check (browser audit, 4 Dec): one checkpoint whose row no longer reads (its metadata damaged)
// stopped the store's listing, so the studio's timeline answered 500 and showed none of the thread's other
// checkpoints. Now the damaged one is a row of its own, with the store's error, and the rest are listed.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import { Command } from "@weft/graph";
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
let checkpoints = 0;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "weft-studio-damaged-row-"));
	const path = join(dir, "weft.db");
	const checkpointer = new SqliteCheckpointer({ path });
	const graph = refund.withCheckpointer(checkpointer);
	await graph.run({ customer: "ada" }, { threadId: "ada" });
	await graph.run(new Command({ resume: { action: "approve" } }), {
		threadId: "ada",
	});
	for await (const _ of checkpointer.list({ threadId: "ada" })) checkpoints++;
	await checkpointer.close();
	damageNewestCheckpoint(path, "ada", "metadata");
	weft = await startWeft(["--db", path, "studio", "--port", "0"]);
}, 180_000);
afterAll(async () => {
	await browser?.close();
	await weft?.stop();
	rmSync(dir, { recursive: true, force: true });
});

describe("the studio's timeline with a checkpoint whose row does not read", () => {
	it("lists it as a damaged row, with the store's error, and the others after it (API)", async () => {
		const res = await fetch(`${weft!.url}/studio/api/threads/ada/tree`);
		expect(res.status).toBe(200);
		const rows = (await res.json()) as any[];
		expect(rows).toHaveLength(checkpoints);
		expect(rows[0]).toMatchObject({
			source: "damaged",
			damaged: {
				code: "CORRUPT_CHECKPOINT",
				message: expect.stringContaining('of thread "ada" is corrupt'),
			},
		});
		expect(rows.slice(1).every((r) => r.damaged === undefined)).toBe(true);
		// a page that starts before the damaged row
		const before = await fetch(
			`${weft!.url}/studio/api/threads/ada/tree?before=${rows[0].checkpoint_id}`,
		);
		expect(before.status).toBe(200);
		expect(await before.json()).toHaveLength(checkpoints - 1);
	});

	it.skipIf(noBrowser !== undefined)(
		"shows the damaged row and the steps before it in chromium",
		async () => {
			ensureStudioBuilt();
			browser = await launch();
			const page = await browser.newPage();
			page.setDefaultTimeout(25_000);
			await page.goto(`${weft!.url}/studio/#/threads/ada`);
			const timeline = page.getByRole("list", { name: "timeline" });
			await timeline.getByText("damaged checkpoint").waitFor();
			await timeline.getByText("step 0 · input").waitFor();
			expect(await timeline.locator("li.cp").count()).toBe(checkpoints);
		},
		180_000,
	);
});
