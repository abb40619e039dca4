// `serve().close()` with a request still being handled when the grace ends: its connection is cut, but the
// handler goes on, and close() resolves only once it has finished (the CLI closes its stores right after).
// The server soak (chaos/test/server-soak.test.ts) found an updateState that SIGTERM cut off keeping its
// thread's lease past the process's exit: the pools were closed under it, its commit and release failed,
// and the client's retry on the next API got THREAD_BUSY until the lease lapsed.
import { MemoryCheckpointer, threadLeaseOf } from "@weft/checkpoint";
import { describe, expect, it } from "vitest";
import { serve } from "../src/index.ts";
import { slow } from "./fixtures/graphs.ts";

/** A store whose next commit waits until `open()`; what it did, in order, in `log`. */
class GatedCheckpointer extends MemoryCheckpointer {
	readonly log: string[] = [];
	#gate: Promise<void> | undefined;
	#open = () => {};
	#entered = () => {};
	/** Resolves once a held commit has begun. */
	readonly entered = new Promise<void>((r) => {
		this.#entered = r;
	});

	holdNextPut(): void {
		this.#gate = new Promise((r) => {
			this.#open = r;
		});
	}

	open(): void {
		this.#open();
	}

	override async put(
		...args: Parameters<MemoryCheckpointer["put"]>
	): ReturnType<MemoryCheckpointer["put"]> {
		const gate = this.#gate;
		this.#gate = undefined;
		if (gate !== undefined) {
			this.#entered();
			await gate;
		}
		return super.put(...args);
	}

	override async releaseLease(
		...args: Parameters<MemoryCheckpointer["releaseLease"]>
	): Promise<boolean> {
		const released = await super.releaseLease(...args);
		this.log.push("lease released");
		return released;
	}
}

describe("serve().close() with a handler still running past the grace", () => {
	it("cuts the connection, waits for the handler: its commit is saved and its lease given back", async () => {
		const checkpointer = new GatedCheckpointer();
		const server = await serve({
			graphs: { slow },
			checkpointer,
			port: 0,
			shutdownGraceMs: 500,
		});
		const url = `http://127.0.0.1:${server.port}`;
		const { thread_id } = (await (
			await fetch(`${url}/threads`, {
				method: "POST",
				headers: { "Content-Type": "application/json" },
				body: JSON.stringify({ graph_id: "slow" }),
			})
		).json()) as { thread_id: string };
		checkpointer.holdNextPut();
		const update = fetch(`${url}/threads/${thread_id}/state`, {
			method: "POST",
			headers: { "Content-Type": "application/json" },
			body: JSON.stringify({ values: { ms: 5 } }),
		});
		await checkpointer.entered;
		const closed = server.close().then(() => checkpointer.log.push("closed"));
		// the grace over, the connection is cut while the handler waits on its commit
		await expect(update).rejects.toThrow();
		await new Promise((r) => setTimeout(r, 100));
		checkpointer.open();
		await closed;
		expect(checkpointer.log).toEqual(["lease released", "closed"]);
		const head = await checkpointer.getTuple({ threadId: thread_id });
		expect(head?.checkpoint).toBeDefined();
		expect(
			(await threadLeaseOf(checkpointer, thread_id))?.lease ?? null,
		).toBeNull();
	});
});
