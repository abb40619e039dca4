// Costs are dollars in floats: 0.1 + 0.2 is 0.30000000000000004, which totals then print (decision 0244).
// Rounded to 1e-12 of a dollar (a millionth of a micro-dollar, far below any price) where they are made.

/** `usd` rounded to 1e-12: a cost without float noise (3 × $0.1 per million is 3e-7, not 3.0000000000000004e-7). */
export function roundCost(usd: number): number {
	return Math.round(usd * 1e12) / 1e12;
}

/** `a + b` as a cost total: rounded to 1e-12, so 0.1 + 0.2 is 0.3. */
export function addCost(a: number, b: number): number {
	return roundCost(a + b);
}
