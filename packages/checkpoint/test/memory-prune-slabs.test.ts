import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { record } from "../src/conformance/fixtures.ts";
import { MemoryCheckpointer } from "../src/memory-checkpointer.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const arrayBuffers = () => {
	gc();
	return process.memoryUsage().arrayBuffers;
};

describe("MemoryCheckpointer.prune", () => {
	// small blobs are views into shared 8 KB slabs (json-serializer.ts): a kept view must not keep the
	// slab, and with it the blobs pruned around it, alive
	it("gives back the memory of what it removed, also where kept blobs shared a slab with it", async () => {
		const store = new MemoryCheckpointer();
		// large enough that what else the test process allocates meanwhile (≈ 0.2 MB) does not matter
		const threads = 2000;
		const base = arrayBuffers();
		for (let t = 0; t < threads; t++) {
			let parentId: string | null = null;
			for (let step = 0; step < 20; step++) {
				const r = record({
					threadId: `t${t}`,
					parentId,
					step,
					writes: [["node", "n", step]],
					snapshot: { n: step },
				});
				await store.put(r);
				parentId = r.checkpointId;
			}
		}
		const written = arrayBuffers() - base;
		let removed = 0;
		for (let t = 0; t < threads; t++)
			removed += await store.prune(`t${t}`, { keepLast: 1 });
		expect(removed).toBe(threads * 19);
		// one checkpoint in twenty is kept: its bytes, not the slabs it was cut from (V8 frees a collected
		// buffer's memory after the GC, on another thread: a busy process needs a moment)
		expect(written).toBeGreaterThan(2_000_000);
		await expect
			.poll(() => arrayBuffers() - base, { timeout: 10_000, interval: 50 })
			.toBeLessThan(written / 4);
		for (let t = 0; t < threads; t += 397)
			expect(
				(await store.getTuple({ threadId: `t${t}` }))?.checkpoint.step,
			).toBe(19);
	});
});
