import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main as demo } from "../src/demo.ts";
import { main as encryption } from "../src/encryption.ts";
import { main as humanApproval, sentMails } from "../src/human-approval.ts";
import { main as quickstart } from "../src/quickstart.ts";
import { main as subgraphs } from "../src/subgraphs.ts";
import { main as timeTravel } from "../src/time-travel.ts";

describe("examples run", () => {
	it("quickstart", async () => {
		const result = await quickstart();
		expect(result.status).toBe("done");
		expect(result.values.notes).toEqual(["weft#2", "weft#4"]);
	});

	it("human approval", async () => {
		const { paused, done } = await humanApproval();
		expect(paused.status).toBe("interrupted");
		// as the README's comment says it
		expect(paused.interrupts[0]!.value).toEqual({
			human: "review",
			request: { draft: "Dear team, the release is on Friday." },
		});
		expect(done.values.sent).toBe("sent #1");
		expect(sentMails).toHaveLength(1);
	});

	it("subgraphs", async () => {
		const { paused, done } = await subgraphs();
		expect(paused.interrupts[0]!.value).toEqual({
			text: "We ship!",
			remarks: ["calm the tone"],
		});
		expect(done.values.published).toBe(true);
	});

	it("time travel", async () => {
		const { history, forked, diff } = await timeTravel();
		expect(history.map((h) => h.step)).toEqual([3, 2, 1, 0]);
		expect(forked.count).toBe(5);
		expect(diff.find((d) => d.path[0] === "limit")).toMatchObject({
			before: 3,
			after: 5,
		});
	});

	it("encryption at rest: the state reads back, the file holds no plain text, no key is refused", async () => {
		const dir = mkdtempSync(join(tmpdir(), "weft-example-encryption-"));
		const key = process.env.WEFT_KEY;
		try {
			process.env.WEFT_KEY = randomBytes(32).toString("hex");
			const path = join(dir, "weft.db");
			expect(await encryption(path)).toEqual({ secret: "LAUNCH CODE" });
			expect(readFileSync(path).includes("LAUNCH CODE")).toBe(false);
			delete process.env.WEFT_KEY;
			await expect(encryption(join(dir, "other.db"))).rejects.toMatchObject({
				code: "CONFIG_INVALID",
			});
		} finally {
			if (key === undefined) delete process.env.WEFT_KEY;
			else process.env.WEFT_KEY = key;
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it("the demo pauses, approves, forks and re-runs", async () => {
		const out: string[] = [];
		const write = process.stdout.write.bind(process.stdout);
		process.stdout.write = ((chunk: string) =>
			out.push(String(chunk)) > 0) as typeof process.stdout.write;
		try {
			const { done, again, diff } = await demo(["--yes"]);
			expect(done.status).toBe("done");
			expect(again.values.draft).toMatch(/^Big news/);
			expect(diff.map((d) => d.path[0])).toContain("tone");
		} finally {
			process.stdout.write = write;
		}
		expect(out.join("")).toContain('paused at "approve"');
	});
});
