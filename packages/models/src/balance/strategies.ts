// Pure choices over the deployments that may take a call now: data in, a pick and its reason out.

/** A deployment that may take the call, with what the strategies look at. */
export interface Candidate {
	index: number;
	name: string;
	weight: number;
	outstanding: number;
	meanLatencyMs: number | undefined;
}

/** A strategy's pick and why, in words for events and usage. */
export interface Chosen {
	index: number;
	reason: string;
}

const list = (cands: Candidate[], show: (c: Candidate) => string) =>
	cands.map((c) => `${c.name}: ${show(c)}`).join(", ");

/**
 * Smooth weighted round-robin (nginx's): each pick adds every candidate's weight to its running
 * score, takes the highest and takes the total off it. Spreads in proportion to weight, interleaved
 * (3:1 gives a a b a, not a a a b). `current` holds the scores by deployment index and is updated.
 */
export function weightedRoundRobin(
	cands: Candidate[],
	current: number[],
): Chosen {
	let total = 0;
	let best: Candidate | undefined;
	for (const c of cands) {
		total += c.weight;
		current[c.index] = (current[c.index] ?? 0) + c.weight;
		if (best === undefined || current[c.index]! > current[best.index]!)
			best = c;
	}
	const pick = best!;
	current[pick.index] = current[pick.index]! - total;
	return {
		index: pick.index,
		reason: `weighted round-robin over ${list(cands, (c) => `weight ${c.weight}`)}`,
	};
}

/** Fewest calls in flight; ties go to the higher weight, then to the earlier deployment. */
export function leastOutstanding(cands: Candidate[]): Chosen {
	const pick = cands.reduce((a, b) =>
		b.outstanding < a.outstanding ||
		(b.outstanding === a.outstanding && b.weight > a.weight)
			? b
			: a,
	);
	return {
		index: pick.index,
		reason: `least outstanding (${list(cands, (c) => `${c.outstanding} in flight`)})`,
	};
}

/** Lowest mean latency over the window; a deployment not measured yet goes first, so each gets measured. */
export function lowestLatency(cands: Candidate[]): Chosen {
	const unmeasured = cands.find((c) => c.meanLatencyMs === undefined);
	const pick =
		unmeasured ??
		cands.reduce((a, b) => (b.meanLatencyMs! < a.meanLatencyMs! ? b : a));
	const show = (c: Candidate) =>
		c.meanLatencyMs === undefined
			? "not measured yet"
			: `${Math.round(c.meanLatencyMs)} ms`;
	return {
		index: pick.index,
		reason: `lowest latency (${list(cands, show)})`,
	};
}
