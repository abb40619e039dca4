// Outside check (back and reload, 4 Dec): the thread list kept its page and its search in React state
// only, so a person on page 2 (or with a search typed) who opened a thread and pressed Back, or who
// reloaded, was put back on page 1 with an empty search. Now both are in the URL (`#/?q=…&page=2`).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteCheckpointer } from "@weft/checkpoint-sqlite";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureChromium, ensureStudioBuilt, launch } from "./browser.ts";
import { refund } from "./fixtures/approval.ts";
import { startWeft, type WeftProcess } from "./weft-process.ts";

const noBrowser = ensureChromium();
if (noBrowser !== undefined)
	process.stderr.write(`studio history tests skipped: ${noBrowser}\n`);
let dir: string;
let weft: WeftProcess | undefined;
let browser: Browser | undefined;

describe.skipIf(noBrowser !== undefined)(
	"the thread list's page and search survive Back, Forward and a reload",
	() => {
		beforeAll(async () => {
			ensureStudioBuilt();
			dir = mkdtempSync(join(tmpdir(), "weft-studio-history-"));
			const path = join(dir, "weft.db");
			const checkpointer = new SqliteCheckpointer({ path });
			const graph = refund.withCheckpointer(checkpointer);
			// 25 threads: two pages of 20
			for (let i = 0; i < 25; i++)
				await graph.run({ customer: `c${i}` }, { threadId: `t-${i}` });
			await checkpointer.close();
			weft = await startWeft(["--db", path, "studio", "--port", "0"]);
			browser = await launch();
		}, 180_000);
		afterAll(async () => {
			await browser?.close();
			await weft?.stop();
			rmSync(dir, { recursive: true, force: true });
		});

		const pageLabel = (page: Page) =>
			page.locator("section[aria-label=threads] .toolbar span", {
				hasText: /^page /,
			});
		/** The list shows `label` and the rows of that page (the previous page's stay while it is read). */
		const showing = async (page: Page, label: string) => {
			await pageLabel(page).getByText(label).waitFor();
			await page.locator('table.threads[aria-busy="false"]').waitFor();
		};
		const firstThread = (page: Page) =>
			page.locator("tbody tr").first().getAttribute("data-thread");

		it("comes back to page 2 after opening a thread, and after a reload", async () => {
			const page = await browser!.newPage();
			page.setDefaultTimeout(25_000);
			await page.goto(`${weft!.url}/studio/#/`);
			await page.locator("tbody tr").first().waitFor();
			await page.getByRole("button", { name: "older" }).click();
			await showing(page, "page 2 of 2");
			const first = await firstThread(page);
			expect(await page.locator("tbody tr").count()).toBe(5);
			await page.locator("tbody a").first().click();
			await page.getByRole("heading", { name: `thread ${first}` }).waitFor();
			await page.goBack();
			await pageLabel(page).getByText("page 2 of 2").waitFor();
			await page.locator(`tbody tr[data-thread="${first}"]`).waitFor();
			expect(await firstThread(page)).toBe(first);
			await page.reload();
			await pageLabel(page).getByText("page 2 of 2").waitFor();
			await page.locator(`tbody tr[data-thread="${first}"]`).waitFor();
			expect(await firstThread(page)).toBe(first);
			// Back from page 2 goes to page 1, Forward to page 2 again
			await page.goBack();
			await showing(page, "page 1 of 2");
			expect(await page.locator("tbody tr").count()).toBe(20);
			await page.goForward();
			await pageLabel(page).getByText("page 2 of 2").waitFor();
			await page.locator(`tbody tr[data-thread="${first}"]`).waitFor();
			expect(await firstThread(page)).toBe(first);
			await page.close();
		}, 90_000);

		it("keeps the search typed after opening a thread and coming back", async () => {
			const page = await browser!.newPage();
			page.setDefaultTimeout(25_000);
			await page.goto(`${weft!.url}/studio/#/`);
			const search = page.getByLabel("search threads by id or metadata");
			await search.fill("t-17");
			await page
				.locator("section[aria-label=threads] .toolbar span", {
					hasText: /^1 thread$/,
				})
				.waitFor();
			await page.locator('tbody a[href="#/threads/t-17"]').click();
			await page.getByRole("heading", { name: "thread t-17" }).waitFor();
			await page.goBack();
			await page.locator('tr[data-thread="t-17"]').waitFor();
			expect(await search.inputValue()).toBe("t-17");
			expect(await page.locator("tbody tr").count()).toBe(1);
			await page.reload();
			await page.locator('tr[data-thread="t-17"]').waitFor();
			expect(await search.inputValue()).toBe("t-17");
			await page.close();
		}, 90_000);
	},
);
