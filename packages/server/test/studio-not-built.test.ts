// Found from outside (7 Dec): `weft studio` from a project made by `weft init` answered 404 with the hint
// `pnpm --filter @weft/studio build`, which fails there: it is the Weft checkout's command. And a `weft`
// installed from its package (npm) named `…/node_modules` as the checkout to build the studio in.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { afterAll, expect, it } from "vitest";
import { createApp, studioBuild } from "../src/index.ts";

const dir = mkdtempSync(join(tmpdir(), "weft-studio-not-built-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function hintFor(studioDir: string): Promise<unknown> {
	const { app, close } = createApp({
		graphs: {},
		checkpointer: new MemoryCheckpointer(),
		studio: { dir: studioDir },
	});
	const r = await app.request("/studio/");
	expect(r.status).toBe(404);
	const body = (await r.json()) as { code: string; hint: string };
	expect(body.code).toBe("NOT_FOUND");
	await close();
	return body.hint;
}

it("the studio not built: the hint names the Weft checkout to build it in", async () => {
	const checkout = join(dir, "some checkout");
	mkdirSync(join(checkout, "apps/studio"), { recursive: true });
	writeFileSync(join(checkout, "apps/studio/package.json"), "{}\n");
	expect(await hintFor(join(checkout, "apps/studio/dist"))).toBe(
		`build it in the Weft checkout ${checkout}: cd '${checkout}' && pnpm --filter @weft/studio build`,
	);
});

it("a server installed from its package: the studio comes with a checkout, not with @weft/server", async () => {
	// @weft/server's default, from node_modules/@weft/server/dist/routes
	const hint = await hintFor(
		join(dir, "project/node_modules/apps/studio/dist"),
	);
	expect(hint).toContain("the studio comes with a checkout of Weft");
	expect(hint).toContain("weft studio --db");
	expect(hint).not.toContain("node_modules:");
});

it("studioBuild says whether the studio will open, and how to build it when not (weft dev prints its address only then)", () => {
	const checkout = join(dir, "another checkout");
	mkdirSync(join(checkout, "apps/studio/dist"), { recursive: true });
	writeFileSync(join(checkout, "apps/studio/package.json"), "{}\n");
	const studioDir = join(checkout, "apps/studio/dist");
	expect(studioBuild({ dir: studioDir })).toEqual({
		built: false,
		dir: studioDir,
		hint: expect.stringContaining("pnpm --filter @weft/studio build"),
	});
	writeFileSync(join(studioDir, "index.html"), "<!doctype html>\n");
	expect(studioBuild({ dir: studioDir })).toEqual({
		built: true,
		dir: studioDir,
	});
});
