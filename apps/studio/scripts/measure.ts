/**
 * Measures the studio: its bundle (raw and gzip) and, in Debian's chromium against `weft dev`, the
 * time to interactive on a 10,000-checkpoint thread with 5,000 messages. `pnpm --filter @weft/studio measure`.
 */
import {
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
} from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { ensureChromium, ensureStudioBuilt, launch } from "../test/browser.ts";
import { writeBigThread } from "../test/fixtures/big-thread.ts";
import { startWeft } from "../test/weft-process.ts";

const RUNS = Number(process.env.RUNS ?? 7);
const dist = fileURLToPath(new URL("../dist", import.meta.url));
const fixture = fileURLToPath(
	new URL("../test/fixtures/flow.ts", import.meta.url),
);

const files = (dir: string): string[] =>
	readdirSync(dir).flatMap((f) =>
		statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)],
	);
const median = (xs: number[]) =>
	[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

ensureStudioBuilt();
const bundle = files(dist).map((f) => {
	const body = readFileSync(f);
	return {
		file: f.slice(dist.length + 1),
		raw: body.length,
		gzip: gzipSync(body, { level: 9 }).length,
	};
});
const total = bundle.reduce(
	(a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }),
	{ raw: 0, gzip: 0 },
);

const noBrowser = ensureChromium();
if (noBrowser !== undefined) throw new Error(noBrowser);
const dir = mkdtempSync(join(tmpdir(), "weft-studio-measure-"));
const started = performance.now();
const big = await writeBigThread(join(dir, "weft.db"));
const writeMs = performance.now() - started;
const weft = await startWeft([
	"--db",
	join(dir, "weft.db"),
	"dev",
	"--graph",
	`flow=${fixture}#flow`,
	"--port",
	"0",
]);
const browser = await launch();
const tti: number[] = [];
const nextPage: number[] = [];
const heap: number[] = [];
const tbt: number[] = [];
const dom: number[] = [];
try {
	for (let i = 0; i < RUNS + 1; i++) {
		const context = await browser.newContext({
			viewport: { width: 1400, height: 900 },
		});
		// long tasks (main thread busy over 50 ms): their sum past 50 ms each is the total blocking time
		await context.addInitScript(() => {
			const w = globalThis as unknown as { longTasks: number[] };
			w.longTasks = [];
			new PerformanceObserver((list) => {
				for (const e of list.getEntries()) w.longTasks.push(e.duration);
			}).observe({ type: "longtask", buffered: true });
		});
		const page = await context.newPage();
		await page.goto(
			`${weft.url}/studio/#/threads/${encodeURIComponent(big.threadId)}`,
		);
		// interactive: the timeline's rows, the 5,000-message transcript and the graph are drawn
		await page.locator(".timeline li.cp").first().waitFor();
		await page
			.getByRole("region", { name: "transcript, 5000 messages" })
			.getByText("message 0:")
			.waitFor();
		await page.locator(".graph .react-flow__node.ran").first().waitFor();
		const at = await page.evaluate(() => performance.now());
		const t0 = performance.now();
		await page.getByTestId("timeline-scroll").evaluate((el) => {
			el.scrollTop = el.scrollHeight;
		});
		await page.getByText("400 of 10004 checkpoints loaded").waitFor();
		const scrolled = performance.now() - t0;
		const blocking = await page.evaluate(() =>
			(globalThis as unknown as { longTasks: number[] }).longTasks.reduce(
				(a, d) => a + Math.max(0, d - 50),
				0,
			),
		);
		const cdp = await context.newCDPSession(page);
		await cdp.send("HeapProfiler.collectGarbage");
		await cdp.send("Performance.enable");
		const { metrics } = await cdp.send("Performance.getMetrics");
		const used = metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? 0;
		const elements = await page.evaluate(
			() => document.querySelectorAll("*").length,
		);
		if (i > 0) {
			// the first load warms the server (module load, SQLite cache)
			tti.push(at);
			nextPage.push(scrolled);
			heap.push(used);
			tbt.push(blocking);
			dom.push(elements);
		}
		await context.close();
	}
} finally {
	await browser.close();
	await weft.stop();
	rmSync(dir, { recursive: true, force: true });
}

const out = {
	bundle: { files: bundle, total },
	bigThread: {
		checkpoints: big.checkpoints,
		messages: 5000,
		writeMs: Math.round(writeMs),
	},
	timeToInteractiveMs: {
		median: Math.round(median(tti)),
		runs: tti.map(Math.round),
	},
	nextPageMs: {
		median: Math.round(median(nextPage)),
		runs: nextPage.map(Math.round),
	},
	totalBlockingMs: {
		median: Math.round(median(tbt)),
		runs: tbt.map(Math.round),
	},
	jsHeapMiBAfterGc: Number((median(heap) / 1024 / 1024).toFixed(1)),
	domElements: median(dom),
	loadAverage: loadavg().map((l) => Number(l.toFixed(1))),
};
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(
	`\n| bundle (all files) | ${kb(total.raw)} | gzip ${kb(total.gzip)} |\n` +
		bundle
			.map((b) => `| ${b.file} | ${kb(b.raw)} | gzip ${kb(b.gzip)} |`)
			.join("\n") +
		`\n\ntime to interactive (median of ${RUNS}): ${out.timeToInteractiveMs.median} ms; next page on scroll: ${out.nextPageMs.median} ms; total blocking ${out.totalBlockingMs.median} ms; JS heap after GC ${out.jsHeapMiBAfterGc} MiB; ${out.domElements} elements in the page\n`,
);
