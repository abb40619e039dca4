// The balancer's overhead per call: the same ModelRouter call on one plain model and on a model with
// three deployments (every model answers at once, so only the router's work is timed). Rounds alternate
// the two, and the figure is the difference of the medians, in microseconds per call.
// Run: pnpm tsx --conditions @weft/source bench/src/models/balancer-overhead.ts [calls] [rounds]
import { realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ScriptedChatModel } from "@weft/graph/llm";
import { ModelRouter, RateLimiterRegistry } from "@weft/models";
import { check, gc, now } from "../measure.ts";
import { median } from "../stats.ts";

const fast = () =>
	new ScriptedChatModel({
		replies: [{ content: "ok", usage: { input: 10, output: 2 } }],
		repeatLast: true,
	});

function routers() {
	const base = {
		rateLimiters: new RateLimiterRegistry(),
		retry: { maxRetries: 0 },
	};
	const plain = new ModelRouter({ ...base, models: { m: fast() } });
	const balanced = new ModelRouter({
		...base,
		models: {
			m: {
				deployments: [
					{ name: "a", model: fast(), weight: 2 },
					{ name: "b", model: fast(), rateLimits: { maxConcurrency: 64 } },
					{ name: "c", model: fast() },
				],
				balance: { strategy: "weighted-round-robin" },
			},
		},
	});
	return { plain, balanced };
}

async function timeCalls(router: ModelRouter, calls: number): Promise<number> {
	gc();
	const start = now();
	for (let i = 0; i < calls; i++) await router.invoke("hi");
	return ((now() - start) * 1000) / calls; // µs per call
}

/** Median µs per call of each router and the balancer's share. */
export async function balancerOverhead(calls = 2000, rounds = 7) {
	const { plain, balanced } = routers();
	await timeCalls(plain, Math.min(calls, 200)); // warm up both
	await timeCalls(balanced, Math.min(calls, 200));
	const p: number[] = [];
	const b: number[] = [];
	for (let r = 0; r < rounds; r++) {
		p.push(await timeCalls(plain, calls));
		b.push(await timeCalls(balanced, calls));
	}
	const spread = balanced.usage.totals().byDeployment;
	check(Object.keys(spread).length === 3, "every deployment took calls");
	const plainUs = median(p);
	const balancedUs = median(b);
	return {
		calls_per_round: calls,
		rounds,
		plain_us_per_call: round(plainUs),
		balanced_us_per_call: round(balancedUs),
		overhead_us_per_call: round(balancedUs - plainUs),
		overhead_share: round((balancedUs - plainUs) / plainUs),
	};
}

const round = (x: number) => Math.round(x * 100) / 100;

if (
	process.argv[1] !== undefined &&
	realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
) {
	const [calls, rounds] = process.argv.slice(2).map(Number);
	const result = await balancerOverhead(
		calls || undefined,
		rounds || undefined,
	);
	const out = {
		...result,
		node: process.version,
		date: new Date().toISOString(),
	};
	writeFileSync(
		join(import.meta.dirname, "../../results/balancer-overhead.json"),
		`${JSON.stringify(out, null, 2)}\n`,
	);
	process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}
