/**
 * What a LangChain chat model reports of itself for tracing (`getLsParams`: `ls_provider`,
 * `ls_model_name`, `ls_model_type`, `ls_temperature`, …), its unset keys left out; undefined for a model
 * that reports nothing (not a LangChain model) or throws. LangGraph's server sends these beside each
 * `messages-tuple` chunk, as LangChain puts them in the model call's metadata.
 */
export function modelParamsOf(
	model: object,
	callOptions: unknown,
): Record<string, unknown> | undefined {
	const m = model as {
		getLsParamsWithDefaults?: (options: unknown) => unknown;
		getLsParams?: (options: unknown) => unknown;
	};
	const read = m.getLsParamsWithDefaults ?? m.getLsParams;
	let params: unknown;
	try {
		params = read?.call(model, callOptions ?? {});
	} catch {
		return undefined; // a model's own report that fails must not fail its call
	}
	if (typeof params !== "object" || params === null) return undefined;
	const known = Object.entries(params).filter(
		([key, value]) => key.startsWith("ls_") && value != null,
	);
	return known.length === 0 ? undefined : Object.fromEntries(known);
}
