// Found from outside (6 Dec): with a studio tab open, `weft dev` took its whole shutdown grace (10 s) to
// stop with no run in flight: the studio's event stream ended, but its connection, and the browser's
// other keep-alive connections, stayed open until the grace was over.
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";
import { startProcess } from "./fixtures/processes.ts";

const graphs = fileURLToPath(
	new URL("./fixtures/worker-graphs.ts", import.meta.url),
);
const dir = mkdtempSync(join(tmpdir(), "weft-dev-stop-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("stops well before a long grace with a studio's event stream and keep-alive connections open", async () => {
	const dev = await startProcess(
		[
			"--db",
			join(dir, "weft.db"),
			"dev",
			"--graph",
			`steps=${graphs}#steps`,
			"--port",
			"0",
			"--shutdown-grace",
			"120s",
		],
		/listening on (http:\/\/[^\s]+) /,
	);
	const url = new URL(dev.match[1]!);
	const agent = new (await import("node:http")).Agent({ keepAlive: true });
	const get = (path: string, keep: (body: string) => boolean) =>
		new Promise<void>((resolve, reject) => {
			const req = request(
				{ host: url.hostname, port: url.port, path, agent },
				(res) => {
					let body = "";
					res.on("data", (c: Buffer) => {
						body += c.toString();
						if (keep(body)) resolve();
					});
					res.on("end", () => resolve());
				},
			);
			req.on("error", reject);
			req.end();
		});
	// the studio's event stream open, and a page polling over its keep-alive sockets, as a browser tab
	// does (its requests go on over connections it already has while the server stops)
	await get("/studio/api/events", (body) => body.includes("ready"));
	let polling = true;
	const poll = (async () => {
		while (polling) {
			try {
				await get("/ok", () => false);
			} catch {
				return; // the server closed the connection: a new one is refused
			}
			await new Promise((r) => setTimeout(r, 150));
		}
	})();
	const stopped = await Promise.race([
		dev.stop("SIGTERM"),
		new Promise<"running">((r) => setTimeout(() => r("running"), 60_000)),
	]);
	polling = false;
	await poll;
	agent.destroy();
	expect(stopped).toBe(0);
}, 90_000);
