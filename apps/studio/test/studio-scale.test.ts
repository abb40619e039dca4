import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	axeViolations,
	ensureChromium,
	ensureStudioBuilt,
	launch,
} from "./browser.ts";
import { type BigThread, writeBigThread } from "./fixtures/big-thread.ts";
import { startWeft, type WeftProcess } from "./weft-process.ts";

const fixture = fileURLToPath(new URL("./fixtures/flow.ts", import.meta.url));
const noBrowser = ensureChromium();
const shots = () => fileURLToPath(new URL("./screenshots", import.meta.url));

let dir: string;
let weft: WeftProcess;
let browser: Browser;
let page: Page;
let big: BigThread;

async function call(path: string, body?: unknown): Promise<any> {
	const res = await fetch(`${weft.url}${path}`, {
		method: body === undefined ? "GET" : "POST",
		headers: { "content-type": "application/json" },
		body: body === undefined ? null : JSON.stringify(body),
	});
	expect(res.ok, `${path}: ${res.status}`).toBe(true);
	return res.json();
}

/** A fresh page load (a goto to the same URL with only the hash changed would not reload). */
async function openBigThread() {
	await page.goto("about:blank");
	await page.goto(
		`${weft.url}/studio/#/threads/${encodeURIComponent(big.threadId)}`,
	);
}

/** Rows of a virtualised list in the page now (not the rows of the data). */
const rendered = (selector: string) =>
	page.locator(selector).evaluateAll((els) => els.length);

describe.skipIf(noBrowser !== undefined)(
	"Weft Studio on a 10,000-checkpoint thread, by keyboard, with axe-core",
	() => {
		beforeAll(async () => {
			ensureStudioBuilt();
			dir = mkdtempSync(join(tmpdir(), "weft-studio-scale-"));
			big = await writeBigThread(join(dir, "weft.db"));
			weft = await startWeft([
				"--db",
				join(dir, "weft.db"),
				"dev",
				"--graph",
				`flow=${fixture}#flow`,
				"--port",
				"0",
			]);
			// one small thread waiting for a person (for the inbox)
			const t = await call("/threads", { metadata: { who: "reviewer" } });
			const paused = await call(`/threads/${t.thread_id}/runs/wait`, {
				assistant_id: "flow",
				input: { ask: true },
			});
			expect(paused.__interrupt__).toHaveLength(1);
			browser = await launch();
			page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
			page.setDefaultTimeout(30_000);
		}, 240_000);
		afterAll(async () => {
			await browser?.close();
			expect(await weft?.stop()).toBe(0);
			rmSync(dir, { recursive: true, force: true });
		});

		it("opens the thread, scrolls the timeline through older pages and the 5,000-message transcript, rows stay few", async () => {
			await openBigThread();
			const rows = page.locator(".timeline li.cp");
			await rows.first().waitFor();
			await page.getByText("200 of 10004 checkpoints loaded").waitFor();
			// the fork runs in its own column beside the main branch
			expect(
				await page
					.locator('.timeline li.cp[data-column="1"]')
					.evaluateAll((e) => e.length),
			).toBeGreaterThan(0);
			// the newest checkpoint's state: 5,000 messages, only those in view are in the page
			const transcript = page.getByRole("region", {
				name: "transcript, 5000 messages",
			});
			await transcript.getByText("message 0:").waitFor();
			expect(await rendered(".transcript-scroll li.msg")).toBeLessThan(60);
			await page.screenshot({ path: join(shots(), "big-thread.png") });

			await transcript.evaluate((el) => {
				el.scrollTop = el.scrollHeight;
			});
			await transcript.getByText("message 4999:").waitFor();
			expect(await rendered(".transcript-scroll li.msg")).toBeLessThan(60);

			// scrolling to the end of the timeline reads older pages, a page at a time
			const scroller = page.getByTestId("timeline-scroll");
			for (const loaded of [400, 600, 800]) {
				await scroller.evaluate((el) => {
					el.scrollTop = el.scrollHeight;
				});
				await page.getByText(`${loaded} of 10004 checkpoints loaded`).waitFor();
			}
			expect(await rendered(".timeline li.cp")).toBeLessThan(60);
			// the page still answers, and the oldest loaded rows are on screen
			await scroller.evaluate((el) => {
				el.scrollTop = el.scrollHeight;
			});
			await page.locator('.timeline li.cp[data-index="790"]').waitFor();
			const steps = await rows.evaluateAll((els) =>
				els.map((e) => Number(e.getAttribute("data-step"))),
			);
			expect(Math.min(...steps)).toBeLessThan(10_000 - 780);
			await page.screenshot({ path: join(shots(), "big-thread-scrolled.png") });
		}, 120_000);

		it("moves through the timeline by keyboard with a visible focus; Enter selects", async () => {
			await openBigThread();
			const first = page.locator(".timeline li.cp .cp-select").first();
			await first.waitFor();
			await first.focus();
			for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown");
			const focused = page.locator(".cp-select:focus");
			const index = await focused.evaluate((el) =>
				Number(el.closest("li")?.getAttribute("data-index")),
			);
			expect(index).toBe(3);
			const outline = await focused.evaluate(
				(el) => getComputedStyle(el).outlineStyle,
			);
			expect(outline).not.toBe("none");
			const step = await focused.evaluate((el) =>
				el.closest("li")?.getAttribute("data-step"),
			);
			await page.keyboard.press("Enter");
			await page
				.getByLabel("state", { exact: true })
				.getByRole("heading", {
					level: 3,
					name: new RegExp(`^step ${step} `),
				})
				.waitFor();
			// End goes to the last loaded row (and reads the next page)
			await page.keyboard.press("End");
			await page.getByText("400 of 10004 checkpoints loaded").waitFor();
			expect(await rendered(".timeline li.cp")).toBeLessThan(60);
			expect(await axeViolations(page)).toEqual([]);
		}, 90_000);

		it("draws conditional edges, a self-loop and goto ends apart, expands and collapses a subgraph", async () => {
			await openBigThread();
			const graph = page.getByLabel("graph", { exact: true });
			await graph.locator(".react-flow__node.ran").first().waitFor();
			expect(
				await graph.locator(".edge-conditional").evaluateAll((e) => e.length),
			).toBe(4);
			// agent → agent: a loop drawn beside the node, labelled with its route
			const loop = graph.locator(".self-loop");
			expect(await loop.count()).toBe(1);
			expect(
				await loop.locator("path.react-flow__edge-path").getAttribute("d"),
			).toMatch(/^M [\d.]+ [\d.]+ C /);
			await loop.getByText("again").waitFor();
			expect(
				await graph.locator(".edge-ends").evaluateAll((e) => e.length),
			).toBe(1);
			expect(
				await graph
					.locator('.react-flow__node[data-id="research/search"]')
					.count(),
			).toBe(0);
			const toggle = graph.getByRole("button", {
				name: "expand subgraph research",
			});
			await toggle.click();
			await graph
				.locator('.react-flow__node[data-id="research/search"]')
				.waitFor();
			await graph
				.getByRole("button", { name: "collapse subgraph research" })
				.waitFor();
			await graph.screenshot({ path: join(shots(), "graph.png") });
			expect(await axeViolations(page)).toEqual([]);
			await graph
				.getByRole("button", { name: "collapse subgraph research" })
				.click();
			await graph
				.locator('.react-flow__node[data-id="research/search"]')
				.waitFor({ state: "detached" });
		}, 90_000);

		it("moves through the inbox by keyboard; the thread list and inbox pass axe-core", async () => {
			await page.goto(`${weft.url}/studio/`);
			await page.locator(`tr[data-thread="${big.threadId}"]`).waitFor();
			expect(await axeViolations(page)).toEqual([]);
			// arrow keys move between the threads' links
			await page.locator("table.threads tbody a").first().focus();
			await page.keyboard.press("ArrowDown");
			expect(await page.evaluate(() => document.activeElement?.tagName)).toBe(
				"A",
			);
			await page.screenshot({ path: join(shots(), "threads-list.png") });

			await page.getByRole("link", { name: "Inbox", exact: true }).click();
			const request = page.locator("li.request").first();
			await request.getByText("review-answer").waitFor();
			await request.focus();
			await page.keyboard.press("Enter");
			expect(
				await page.evaluate(() => document.activeElement?.textContent),
			).toBeTruthy();
			expect(
				await request.evaluate((li) => li.contains(document.activeElement)),
			).toBe(true);
			await page.screenshot({ path: join(shots(), "inbox-requests.png") });
			expect(await axeViolations(page)).toEqual([]);
		}, 90_000);
	},
);
