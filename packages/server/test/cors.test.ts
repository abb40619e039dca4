import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MemoryCheckpointer } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";
import { type AppOptions, bearerTokens, createApp } from "../src/index.ts";
import { review } from "./fixtures/graphs.ts";
import { startWeft } from "./fixtures/weft-dev.ts";

const preflight = (origin: string) =>
	new Request("http://weft.test/threads/search", {
		method: "OPTIONS",
		headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
	});

const allowed = async (
	options: Partial<AppOptions>,
	origin: string,
): Promise<string | null> => {
	const weft = createApp({
		graphs: { review },
		checkpointer: new MemoryCheckpointer(),
		...options,
	});
	await weft.ready;
	try {
		const res = await weft.app.request(preflight(origin));
		return res.headers.get("access-control-allow-origin");
	} finally {
		await weft.close();
	}
};

describe("CORS for browser apps", () => {
	it("allows every origin by default, only the listed ones when given, none with cors: false", async () => {
		expect(await allowed({}, "http://localhost:5173")).toBe("*");
		const only = { cors: { origins: ["http://localhost:5173"] } };
		expect(await allowed(only, "http://localhost:5173")).toBe(
			"http://localhost:5173",
		);
		expect(await allowed(only, "http://evil.example")).toBeNull();
		expect(await allowed({ cors: false }, "http://localhost:5173")).toBeNull();
	});

	it("answers a preflight without credentials when auth is on", async () => {
		const weft = createApp({
			graphs: { review },
			checkpointer: new MemoryCheckpointer(),
			authenticate: bearerTokens(["ada:secret"]),
		});
		await weft.ready;
		const res = await weft.app.request(preflight("http://localhost:5173"));
		expect(res.status).toBe(204);
		const refused = await weft.app.request("/threads/search", {
			method: "POST",
			headers: { Origin: "http://localhost:5173" },
		});
		expect(refused.status).toBe(401);
		// the browser shows the app the 401, not a CORS failure
		expect(refused.headers.get("access-control-allow-origin")).toBe("*");
		await weft.close();
	});

	it("weft dev --cors lists the origins allowed", {
		timeout: 60_000,
	}, async () => {
		const dir = mkdtempSync(join(tmpdir(), "weft-cors-"));
		const graphs = fileURLToPath(
			new URL("./fixtures/graphs.ts", import.meta.url),
		);
		const server = await startWeft([
			"--db",
			join(dir, "weft.db"),
			"dev",
			"--graph",
			`review=${graphs}#review`,
			"--port",
			"0",
			"--cors",
			"http://localhost:5173,https://app.example.com",
		]);
		try {
			const origin = async (o: string) =>
				(
					await fetch(`${server.url}/threads/search`, {
						method: "OPTIONS",
						headers: { Origin: o, "Access-Control-Request-Method": "POST" },
					})
				).headers.get("access-control-allow-origin");
			expect(await origin("https://app.example.com")).toBe(
				"https://app.example.com",
			);
			expect(await origin("http://evil.example")).toBeNull();
		} finally {
			await server.stop();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
