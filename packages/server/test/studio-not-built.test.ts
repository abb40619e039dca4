// Found from outside (7 Dec): `weft studio` from a project made by `weft init` answered 404 with the hint
// `pnpm --filter @weft/studio build`, which fails there: it is the Weft checkout's command.
import { join } from "node:path";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { expect, it } from "vitest";
import { createApp } from "../src/index.ts";

it("the studio not built: the hint names the Weft checkout to build it in", async () => {
	const checkout = join("/tmp", "some checkout");
	const { app, close } = createApp({
		graphs: {},
		checkpointer: new MemoryCheckpointer(),
		studio: { dir: join(checkout, "apps/studio/dist") },
	});
	const r = await app.request("/studio/");
	expect(r.status).toBe(404);
	expect(await r.json()).toMatchObject({
		code: "NOT_FOUND",
		hint: `build it in the Weft checkout ${checkout}: cd '${checkout}' && pnpm --filter @weft/studio build`,
	});
	await close();
});
