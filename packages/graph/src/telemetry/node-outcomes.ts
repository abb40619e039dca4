// The attribute sets of `weft.node.duration` records: one per (node, outcome, error type), made once.
import type { Attributes } from "@opentelemetry/api";
import { newestKeeper } from "../runtime/keep-shape.ts";
import { errorType } from "./errors.ts";
import type { Instruments } from "./instruments.ts";

const keepNodeOutcomes = newestKeeper(); // keep-shape.ts, decision 0196

/** A graph's node-duration attribute sets; a completed task's found by node, no key string built. */
export class NodeOutcomes {
	readonly #graph: string;
	readonly #ok = new Map<string, Attributes>();

	constructor(graph: string) {
		keepNodeOutcomes(this);
		this.#graph = graph;
	}

	/** The attributes of a task of `node` that ended as `outcome` (ok, interrupt, error, rejected). */
	of(
		m: Instruments,
		node: string,
		outcome: { kind: string; error?: unknown },
	): Attributes {
		if (outcome.kind === "done") {
			const ok = this.#ok.get(node);
			if (ok !== undefined) return ok;
		}
		const graph = this.#graph;
		const kind = outcome.kind === "done" ? "ok" : outcome.kind;
		const type = kind === "error" ? errorType(outcome.error) : "";
		const attributes = m.attributes.get(
			`${graph}\u0000${node}\u0000${kind}\u0000${type}`,
			() => {
				const a: Attributes = {
					"weft.graph": graph,
					"weft.node": node,
					"weft.outcome": kind,
				};
				if (kind === "error") a["error.type"] = type;
				return a;
			},
		);
		if (kind === "ok") this.#ok.set(node, attributes);
		return attributes;
	}
}
