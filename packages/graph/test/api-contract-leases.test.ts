// API.md "Threads, leases and branches", across real processes on SQLite files (and Postgres): one
// runner at a time, THREAD_BUSY or waitForLease, a dead runner's thread reads stale and recover() goes on.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
	bundledEnv,
	bundledScript,
} from "../../../test-setup/bundle-script.ts";
import { type Store, stores } from "./durable/stores.ts";

const child = fileURLToPath(
	new URL("./api-contract/lease-child.ts", import.meta.url),
);
const root = fileURLToPath(new URL("../../../", import.meta.url));

interface Runner {
	kill(): void;
	done: Promise<Record<string, unknown> | undefined>;
}

function runner(args: string[]): Runner {
	const proc = spawn(process.execPath, [bundledScript(child), ...args], {
		cwd: root,
		env: bundledEnv(),
		stdio: ["ignore", "pipe", "pipe"],
	});
	let out = "";
	let err = "";
	proc.stdout.on("data", (d) => {
		out += String(d);
	});
	proc.stderr.on("data", (d) => {
		err += String(d);
	});
	const done = new Promise<Record<string, unknown> | undefined>(
		(resolve, reject) =>
			proc.on("close", (code, signal) => {
				if (signal === "SIGKILL") return resolve(undefined);
				if (code !== 0) return reject(new Error(`exit ${code}: ${err}`));
				resolve(JSON.parse(out.trim().split("\n").at(-1)!));
			}),
	);
	return { kill: () => proc.kill("SIGKILL"), done };
}

const journal = (dir: string) => {
	const file = join(dir, "journal.txt");
	return existsSync(file)
		? readFileSync(file, "utf8").trim().split("\n").filter(Boolean)
		: [];
};

async function until(what: () => boolean | Promise<boolean>): Promise<void> {
	for (let i = 0; i < 3000; i++) {
		if (await what()) return;
		await new Promise((r) => setTimeout(r, 10));
	}
	throw new Error("gave up waiting");
}

describe.each(await stores())(
	"API.md: threads, leases and branches across processes ($name)",
	(store: Store) => {
		const cleanups: Array<() => Promise<void>> = [];
		afterEach(async () => {
			for (const c of cleanups.splice(0)) await c();
		});

		async function setup() {
			const dir = mkdtempSync(join(tmpdir(), "weft-lease-"));
			const location = await store.create(dir);
			const cp = await store.open(location);
			cleanups.push(async () => {
				await (cp as { close?: () => Promise<void> }).close?.();
				await store.drop(location);
			});
			const run = (threadId: string, action: string, waitMs = 0) =>
				runner([store.name, location, threadId, action, dir, String(waitMs)]);
			return { dir, cp, run };
		}

		it("a second runner gets THREAD_BUSY and runs nothing; a dead runner's thread reads stale; recover() goes on without repeating finished work", async () => {
			const { dir, cp, run } = await setup();
			const first = run("t", "start");
			await until(() => journal(dir).includes("enter:slow"));
			await until(() => journal(dir).includes("effect:quick"));
			const busy = await run("t", "continue").done;
			expect(busy).toEqual({ error: "THREAD_BUSY" });
			expect(journal(dir).filter((l) => l === "enter:slow")).toHaveLength(1);
			first.kill();
			await first.done;
			await until(async () => (await cp.getThread("t"))?.status === "stale");
			writeFileSync(join(dir, "go"), "");
			const recovered = await run("t", "recover", 5000).done;
			expect(recovered).toMatchObject({ status: "done" });
			expect(
				((recovered!.values as { log: string[] }).log ?? []).sort(),
			).toEqual(["quick", "slow"]);
			// the sibling that finished before the kill did not run again
			expect(journal(dir).filter((l) => l.startsWith("effect:"))).toEqual([
				"effect:quick",
				"effect:slow",
			]);
			expect((await cp.getThread("t"))?.status).toBe("done");
		});

		it("waitForLease waits for the holder in another process, then runs", async () => {
			const { dir, cp, run } = await setup();
			const first = run("w", "start");
			await until(() => journal(dir).includes("enter:slow"));
			const waiting = run("w", "continue", 20_000);
			// the waiting runner is not refused while the holder works; it runs once the holder is done
			await until(() => journal(dir).includes("ready:continue"));
			expect((await cp.getThread("w"))?.status).toBe("running");
			writeFileSync(join(dir, "go"), "");
			expect(await first.done).toMatchObject({ status: "done" });
			expect(await waiting.done).toMatchObject({ status: "done" });
			expect(journal(dir).filter((l) => l === "enter:slow")).toHaveLength(1);
		});
	},
);
