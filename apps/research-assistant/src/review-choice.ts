/**
 * What a line typed at the review prompt chooses: approve (`a`, `approve`, `y`, `yes`), reject (`r`,
 * `reject`), edit (`e`, `edit`); anything else (an empty line, `no`, a typo) chooses nothing, and the
 * prompt asks again: only a clear yes approves a report.
 */
export function reviewChoice(
	typed: string,
): "approve" | "reject" | "edit" | undefined {
	const word = typed.trim().toLowerCase();
	if (["a", "approve", "y", "yes"].includes(word)) return "approve";
	if (["r", "reject"].includes(word)) return "reject";
	if (["e", "edit"].includes(word)) return "edit";
	return undefined;
}
