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
import { startWeft, type WeftProcess } from "./weft-process.ts";

const fixture = fileURLToPath(new URL("./fixtures/flow.ts", import.meta.url));
const noBrowser = ensureChromium();
const shots = () => fileURLToPath(new URL("./screenshots", import.meta.url));
const TOKEN = "studio-s3cret";

let dir: string;
let weft: WeftProcess;
let browser: Browser;
let page: Page;

const post = (path: string, body: unknown) =>
	fetch(`${weft.url}${path}`, {
		method: "POST",
		headers: {
			"content-type": "application/json",
			authorization: `Bearer ${TOKEN}`,
		},
		body: JSON.stringify(body),
	}).then((r) => r.json() as Promise<any>);

describe.skipIf(noBrowser !== undefined)(
	"Weft Studio under weft dev --auth",
	() => {
		beforeAll(async () => {
			ensureStudioBuilt();
			dir = mkdtempSync(join(tmpdir(), "weft-studio-auth-"));
			weft = await startWeft(
				[
					"--db",
					join(dir, "weft.db"),
					"dev",
					"--auth",
					"--graph",
					`flow=${fixture}#flow`,
					"--port",
					"0",
				],
				{ WEFT_API_TOKENS: `ada:${TOKEN}` },
			);
			const t = await post("/threads", { metadata: { who: "ada" } });
			const run = await post(`/threads/${t.thread_id}/runs/wait`, {
				assistant_id: "flow",
				input: { ask: false },
			});
			expect(run.n).toBeGreaterThan(0);
			browser = await launch();
			page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
			page.setDefaultTimeout(25_000);
		}, 180_000);
		afterAll(async () => {
			await browser?.close();
			expect(await weft?.stop()).toBe(0);
			rmSync(dir, { recursive: true, force: true });
		});

		it("loads without a token, asks for one, refuses a wrong one, and keeps the right one for its calls", async () => {
			const api = await fetch(`${weft.url}/studio/api/threads`);
			expect(api.status).toBe(401);
			await page.goto(`${weft.url}/studio/`);
			const gate = page.getByRole("region", {
				name: "this server needs a token",
			});
			await gate.waitFor();
			expect(await axeViolations(page)).toEqual([]);
			await page.screenshot({ path: join(shots(), "token.png") });

			await gate.getByLabel("API token").fill("wrong");
			await gate.getByRole("button", { name: "use this token" }).click();
			await gate
				.getByRole("alert")
				.getByText("the server refused the stored token")
				.waitFor();

			await gate.getByLabel("API token").fill(TOKEN);
			await gate.getByRole("button", { name: "use this token" }).click();
			await page.getByRole("region", { name: "threads" }).waitFor();
			await page.locator("table.threads tbody tr").first().waitFor();
			// kept in this browser: a new page load needs no prompt
			await page.reload();
			await page.locator("table.threads tbody tr").first().waitFor();
			expect(
				await page.evaluate(() => localStorage.getItem("weft.studio.token")),
			).toBe(TOKEN);
		}, 90_000);

		it("sends the token on its event stream too: a run started elsewhere shows without a reload", async () => {
			// the token is stored (previous test); the page's `/studio/api/events` stream is a fetch with it
			await page.goto(`${weft.url}/studio/`);
			await page.locator("table.threads tbody tr").first().waitFor();
			const t = await post("/threads", { metadata: { who: "grace" } });
			await post(`/threads/${t.thread_id}/runs`, {
				assistant_id: "flow",
				input: { ask: false },
			});
			// no polling: only the (authenticated) event stream can bring the new thread in
			await page
				.locator(`table.threads tbody tr[data-thread="${t.thread_id}"]`)
				.waitFor();
		}, 90_000);
	},
);
