import { keysOf, refuseUnknownKeys } from "@weft/checkpoint";
import {
	checkModel,
	checkNumber,
	checkObject,
	checkOptionObject,
	configInvalid,
	describe,
} from "../config-check.ts";
import { checkRateLimits } from "../resilience/check-rate-limits.ts";
import type {
	BalanceOptions,
	CircuitOptions,
	Deployment,
} from "./deployment.ts";

const STRATEGIES = [
	"weighted-round-robin",
	"least-outstanding",
	"lowest-latency",
	"sticky-thread",
];
const DEPLOYMENT_KEYS = keysOf<Deployment>({
	name: true,
	model: true,
	weight: true,
	rateLimits: true,
	rateLimitKey: true,
});
const BALANCE_KEYS = keysOf<BalanceOptions>({
	strategy: true,
	circuit: true,
	latencyWindow: true,
	maxThreads: true,
});
const CIRCUIT_KEYS = keysOf<CircuitOptions>({
	failureThreshold: true,
	coolDownMs: true,
});

/** A balanced model entry's `deployments` and `balance` (`where` is the entry's path). */
export function checkBalance(
	entry: Record<string, unknown>,
	where: string,
): void {
	const deployments = entry.deployments as unknown[];
	deployments.forEach((d, i) => {
		const at = `${where}.deployments[${i}]`;
		checkObject(d, at);
		const dep = (d ?? {}) as Record<string, unknown>;
		if (typeof dep.name !== "string" || dep.name === "")
			throw configInvalid(
				`${at} has no name (got ${describe(dep.name)})`,
				"give each deployment a unique `name`: events, usage and rate-limit keys use it",
			);
		refuseUnknownKeys(dep, DEPLOYMENT_KEYS, at);
		checkModel(dep.model, `${at}.model`);
		checkNumber(dep.weight, `${at}.weight`, { positive: true });
		checkRateLimits(dep.rateLimits, `${at}.rateLimits`);
		if (dep.rateLimitKey !== undefined && typeof dep.rateLimitKey !== "string")
			throw configInvalid(
				`${at}.rateLimitKey must be a string, got ${describe(dep.rateLimitKey)}`,
				"name the rate-limit budget with a string, or leave it out",
			);
	});
	const balance = entry.balance as Record<string, unknown> | undefined;
	checkOptionObject(balance, `${where}.balance`, BALANCE_KEYS);
	if (balance === undefined) return;
	if (
		balance.strategy !== undefined &&
		!STRATEGIES.includes(balance.strategy as string)
	)
		throw configInvalid(
			`${where}.balance.strategy is ${describe(balance.strategy)}`,
			`use one of: ${STRATEGIES.join(", ")}`,
		);
	const circuit = balance.circuit as Record<string, unknown> | undefined;
	checkOptionObject(circuit, `${where}.balance.circuit`, CIRCUIT_KEYS);
	checkNumber(
		circuit?.failureThreshold,
		`${where}.balance.circuit.failureThreshold`,
		{
			min: 1,
			integer: true,
		},
	);
	checkNumber(circuit?.coolDownMs, `${where}.balance.circuit.coolDownMs`);
	checkNumber(balance.latencyWindow, `${where}.balance.latencyWindow`, {
		min: 1,
		integer: true,
	});
	checkNumber(balance.maxThreads, `${where}.balance.maxThreads`, {
		min: 1,
		integer: true,
	});
}
