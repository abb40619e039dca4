import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const app = fileURLToPath(new URL("..", import.meta.url));

/**
 * Debian's chromium, installed with apt-get when missing and allowed (CI=true, or running as root).
 * Returns why it cannot run otherwise, so the tests skip with that message.
 */
export function ensureChromium(): string | undefined {
	if (existsSync(CHROMIUM)) return undefined;
	const root = process.getuid?.() === 0;
	if (process.env.CI !== "true" && !root)
		return `no ${CHROMIUM}: install it with \`sudo apt-get install -y chromium\` (or run with CI=true as root)`;
	const sudo = root ? [] : ["sudo", "-n"];
	const run = (args: string[]) =>
		spawnSync(
			sudo[0] ?? args[0]!,
			[...sudo.slice(1), ...(root ? args.slice(1) : args)],
			{
				stdio: "ignore",
				env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
			},
		).status === 0;
	if (!run(["apt-get", "install", "-y", "chromium"]))
		run(["apt-get", "update"]) && run(["apt-get", "install", "-y", "chromium"]);
	return existsSync(CHROMIUM)
		? undefined
		: `apt-get could not install chromium at ${CHROMIUM}`;
}

const newest = (dir: string): number =>
	Math.max(
		...readdirSync(dir, { withFileTypes: true }).map((e) =>
			e.isDirectory()
				? newest(join(dir, e.name))
				: statSync(join(dir, e.name)).mtimeMs,
		),
	);

/** Builds the studio (vite) when dist is missing or older than its sources (src/, index.html): a fresh clone's `pnpm test` works. */
export function ensureStudioBuilt(): void {
	const index = join(app, "dist", "index.html");
	const sources = Math.max(
		newest(join(app, "src")),
		statSync(join(app, "index.html")).mtimeMs,
	);
	if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
	const out = spawnSync("pnpm", ["run", "build"], {
		cwd: app,
		encoding: "utf8",
	});
	if (out.status !== 0)
		throw new Error(`studio build failed:\n${out.stdout}\n${out.stderr}`);
}

export function launch(): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM,
		args: [
			"--headless",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-background-networking",
		],
	});
}

const axeSource = readFileSync(
	createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
	"utf8",
);

/** axe-core's serious and critical violations on the page as it is now (rule id, impact, where). */
export async function axeViolations(page: Page): Promise<string[]> {
	await page.addScriptTag({ content: axeSource });
	const found = await page.evaluate(async () => {
		const axe = (globalThis as unknown as { axe: any }).axe;
		const result = await axe.run(document, { resultTypes: ["violations"] });
		return (
			result.violations as Array<{
				id: string;
				impact: string;
				nodes: Array<{ target: string[] }>;
			}>
		).map((v) => ({
			id: v.id,
			impact: v.impact,
			where: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
		}));
	});
	return found
		.filter((v) => v.impact === "serious" || v.impact === "critical")
		.map((v) => `${v.impact} ${v.id}: ${v.where.join(", ")}`);
}
