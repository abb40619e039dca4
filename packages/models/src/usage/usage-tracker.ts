import { addCost } from "@weft/checkpoint";

/** What one call to the wrapper used and cost; also the payload of the "usage" event. */
export interface CallUsage {
	model: string;
	route: string;
	attempts: number;
	cache: "hit" | "miss";
	inputTokens: number;
	outputTokens: number;
	cachedInputTokens: number;
	totalTokens: number;
	/** Undefined when the price table has no entry for the model. */
	costUsd: number | undefined;
	/** True when the provider sent no usage_metadata and the tokens were counted here. */
	counted: boolean;
	/** On a cache hit: what the original call cost, now saved. */
	savedUsd?: number | undefined;
	/** For a balanced model: the deployment that answered, by which strategy, and why. */
	balance?: UsageBalance | undefined;
}

/** Which deployment answered a balanced call and why (the last choice of the call). */
export interface UsageBalance {
	deployment: string;
	strategy: string;
	reason: string;
}

/** Sums over calls, overall and by model. */
export interface UsageTotals {
	calls: number;
	inputTokens: number;
	outputTokens: number;
	cachedInputTokens: number;
	totalTokens: number;
	/** The cost of the priced calls (an unpriced call adds nothing: see `unpricedCalls`). */
	costUsd: number;
	/** Calls with no known cost (no price for their model): `costUsd` leaves them out, so it is a lower bound while this is above 0. */
	unpricedCalls: number;
	savedUsd: number;
	cacheHits: number;
	cacheMisses: number;
}

const empty = (): UsageTotals => ({
	calls: 0,
	inputTokens: 0,
	outputTokens: 0,
	cachedInputTokens: 0,
	totalTokens: 0,
	costUsd: 0,
	unpricedCalls: 0,
	savedUsd: 0,
	cacheHits: 0,
	cacheMisses: 0,
});

function add(t: UsageTotals, u: CallUsage): void {
	t.calls += 1;
	t.inputTokens += u.inputTokens;
	t.outputTokens += u.outputTokens;
	t.cachedInputTokens += u.cachedInputTokens;
	t.totalTokens += u.totalTokens;
	if (u.costUsd === undefined) t.unpricedCalls += 1;
	else t.costUsd = addCost(t.costUsd, u.costUsd);
	if (u.savedUsd !== undefined) t.savedUsd = addCost(t.savedUsd, u.savedUsd);
	if (u.cache === "hit") t.cacheHits += 1;
	else t.cacheMisses += 1;
}

/** Running totals of a wrapper's calls; several wrappers may share one tracker. */
export class UsageTracker {
	#total = empty();
	#byModel = new Map<string, UsageTotals>();
	#byDeployment = new Map<string, UsageTotals>();
	#calls: CallUsage[] = [];
	readonly #keep: number;

	/** `keepCalls`: how many recent per-call records to keep (default 1000). */
	constructor(options: { keepCalls?: number | undefined } = {}) {
		this.#keep = options.keepCalls ?? 1000;
	}

	record(usage: CallUsage): void {
		add(this.#total, usage);
		let m = this.#byModel.get(usage.model);
		if (m === undefined) {
			m = empty();
			this.#byModel.set(usage.model, m);
		}
		add(m, usage);
		if (usage.balance !== undefined) {
			const key = `${usage.model}/${usage.balance.deployment}`;
			let d = this.#byDeployment.get(key);
			if (d === undefined) {
				d = empty();
				this.#byDeployment.set(key, d);
			}
			add(d, usage);
		}
		this.#calls.push(usage);
		if (this.#calls.length > this.#keep) this.#calls.shift();
	}

	/** Totals so far, overall, by model and by deployment (`model/deployment`, balanced models only); copies. */
	totals(): UsageTotals & {
		byModel: Record<string, UsageTotals>;
		byDeployment: Record<string, UsageTotals>;
	} {
		const copy = (m: Map<string, UsageTotals>) =>
			Object.fromEntries([...m].map(([k, v]) => [k, { ...v }]));
		return {
			...this.#total,
			byModel: copy(this.#byModel),
			byDeployment: copy(this.#byDeployment),
		};
	}

	/** The most recent per-call records, oldest first. */
	calls(): CallUsage[] {
		return [...this.#calls];
	}

	reset(): void {
		this.#total = empty();
		this.#byModel.clear();
		this.#byDeployment.clear();
		this.#calls = [];
	}
}
