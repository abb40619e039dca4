import { afterEach, beforeEach, vi } from "vitest";

// A test that logs is a test that hides something: fail it.
const methods = ["log", "info", "warn", "error", "debug"] as const;
let calls: string[] = [];

beforeEach(() => {
	calls = [];
	for (const m of methods) {
		vi.spyOn(console, m).mockImplementation((...args: unknown[]) => {
			calls.push(`console.${m}: ${args.map(String).join(" ")}`);
		});
	}
});

afterEach(() => {
	vi.restoreAllMocks();
	if (calls.length > 0)
		throw new Error(`test wrote to the console:\n${calls.join("\n")}`);
});
