// Scripted deployments for the balancing tests: each can be told to fail, rate-limit, slow down
// (on an injected clock) or hold its calls until released; time never comes from the wall clock.
import { ScriptedChatModel, type ScriptedReply } from "@weft/graph/llm";

/** A clock the test moves by hand. */
export function manualClock() {
	let now = 0;
	return {
		now: () => now,
		advance: (ms: number) => {
			now += ms;
		},
	};
}

export type Behaviour =
	| { ok: true }
	| { fail: 500 }
	| { fail: 429; retryAfterSeconds: number }
	| { slowMs: number }
	| { held: true };

/** A deployment's model whose behaviour the test switches between calls. */
export function scriptedDeployment(
	name: string,
	clock?: ReturnType<typeof manualClock>,
) {
	let behaviour: Behaviour = { ok: true };
	let inFlight = 0;
	let maxInFlight = 0;
	const waiting: (() => void)[] = [];
	const reply: ScriptedReply = async () => {
		inFlight += 1;
		maxInFlight = Math.max(maxInFlight, inFlight);
		try {
			if ("held" in behaviour) await new Promise<void>((r) => waiting.push(r));
			const b = behaviour; // as set when the held call is released
			if ("slowMs" in b) clock?.advance(b.slowMs);
			if ("fail" in b)
				return b.fail === 429
					? { fail: "rate-limit", retryAfterSeconds: b.retryAfterSeconds }
					: { fail: "server", message: `${name} is down` };
			return {
				content: `from ${name}`,
				usage: { input: 10, output: 5 },
			};
		} finally {
			inFlight -= 1;
		}
	};
	const model = new ScriptedChatModel({
		model: name,
		replies: [reply],
		repeatLast: true,
	});
	return {
		name,
		model,
		set(b: Behaviour) {
			behaviour = b;
		},
		/** Calls sent to this deployment so far. */
		get sent() {
			return model.calls.length;
		},
		get maxInFlight() {
			return maxInFlight;
		},
		/** Lets the held calls answer. */
		release() {
			for (const r of waiting.splice(0)) r();
		},
		get held() {
			return waiting.length;
		},
	};
}

/** Runs `n` calls with at most `concurrency` in flight; results in call order. */
export async function load<T>(
	n: number,
	concurrency: number,
	call: (i: number) => Promise<T>,
): Promise<T[]> {
	const out: T[] = new Array(n);
	let next = 0;
	const worker = async () => {
		while (next < n) {
			const i = next++;
			out[i] = await call(i);
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	return out;
}

/** Waits until queued promise callbacks have run. */
export const settle = () => new Promise((r) => setImmediate(r));
