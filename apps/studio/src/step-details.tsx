import {
	type CheckpointState,
	type ModelCall,
	stepTiming,
	type UsageTotals,
} from "./api.ts";
import { Transcript, ValueView, type WireMessage } from "./values.tsx";

const ms = (n: number) =>
	n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`;
const usd = (n: number | undefined) =>
	n === undefined ? "—" : `$${n.toFixed(n < 0.01 ? 5 : 3)}`;
/** The cost of some usage, with the calls it leaves out (no price for their model). */
const cost = (u: UsageTotals | undefined) =>
	u?.unpricedCalls === undefined || u.costUsd === undefined
		? usd(u?.costUsd)
		: `${usd(u.costUsd)} + ${u.unpricedCalls} unpriced`;
const tokens = (u: UsageTotals | undefined) =>
	u === undefined ? "—" : `${u.inputTokens} in · ${u.outputTokens} out`;

/**
 * What the step that made this checkpoint did, per node: what it wrote, how long it took, its tokens
 * and cost; the step's wall time; failures (of the next step, recorded here, and ones recovered from).
 */
export function StepDetails({
	state,
	wallMs,
}: {
	state: CheckpointState;
	/** Time from the parent checkpoint to this one (includes any wait for a person). */
	wallMs: number | undefined;
}) {
	const timing = stepTiming(state.metadata);
	const usage = state.metadata.usage;
	const nodes = [
		...new Set([
			...Object.keys(state.writes),
			...Object.keys(timing?.nodes ?? {}),
		]),
	];
	const recovered = timing?.errors ?? [];
	return (
		<section className="step-details" aria-label="step details">
			<h4>
				step {state.step}
				{wallMs !== undefined && <> · {ms(wallMs)} since the previous</>}
				{usage !== undefined && (
					<>
						{" "}
						· {tokens(usage)} tokens · {cost(usage)}
					</>
				)}
			</h4>
			{nodes.length > 0 && (
				<table>
					<thead>
						<tr>
							<th>node</th>
							<th>wrote</th>
							<th>time</th>
							<th>tokens</th>
							<th>cost</th>
						</tr>
					</thead>
					<tbody>
						{nodes.map((n) => (
							<tr key={n} data-node={n}>
								<td>
									<code>{n}</code>
								</td>
								<td>{Object.keys(state.writes[n] ?? {}).join(", ") || "—"}</td>
								<td className="duration">
									{timing?.nodes[n]?.map(ms).join(" + ") ?? "—"}
								</td>
								<td>{tokens(usage?.byNode[n])}</td>
								<td>{cost(usage?.byNode[n])}</td>
							</tr>
						))}
					</tbody>
				</table>
			)}
			{state.errors.map((e) => (
				<div
					key={`${e.node}:${e.code}`}
					className="error step-error"
					role="alert"
				>
					the next step failed at <code>{e.node}</code>: <code>{e.code}</code>{" "}
					{e.message}
					{e.hint !== null && <em> — {e.hint}</em>}
				</div>
			))}
			{recovered.map((e) => (
				<p key={`${e.node}:${e.code}`} className="recovered">
					recovered from <code>{e.code}</code> at <code>{e.node}</code> (an
					earlier attempt)
				</p>
			))}
			{(timing?.calls?.length ?? 0) > 0 && (
				<ModelCalls calls={timing!.calls!} />
			)}
		</section>
	);
}

/** The model calls of the step: model, latency, tokens, cost, cache hit, fallback; prompt and answer. */
export function ModelCalls({ calls }: { calls: ModelCall[] }) {
	return (
		<section className="model-calls" aria-label="model calls">
			<h4>model calls</h4>
			<ol>
				{calls.map((c, i) => (
					// biome-ignore lint/suspicious/noArrayIndexKey: a step's calls never change
					<li key={i} className="model-call" data-model={c.model}>
						<p>
							<code>{c.node}</code> → <strong>{c.model}</strong> ·{" "}
							<span className="duration">{ms(c.durationMs)}</span> ·{" "}
							{c.inputTokens} in · {c.outputTokens} out
							{c.cachedTokens > 0 && <> · {c.cachedTokens} cached</>} ·{" "}
							{usd(c.costUsd)}
							{c.cacheHit && <span className="badge"> cache hit</span>}
							{c.fallback && <span className="badge"> fallback</span>}
							{c.finishReason !== undefined && <> · {c.finishReason}</>}
						</p>
						{c.prompt === undefined ? (
							<p className="note">
								prompt and answer not recorded (content recording is off; `weft
								dev` turns it on)
							</p>
						) : (
							<details>
								<summary>
									prompt ({c.prompt.length} messages) and answer
								</summary>
								<Transcript messages={c.prompt as unknown as WireMessage[]} />
								<h5>answer</h5>
								{c.response !== undefined && <ValueView value={[c.response]} />}
							</details>
						)}
					</li>
				))}
			</ol>
		</section>
	);
}
