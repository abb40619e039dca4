// `@opentelemetry/api`, loaded only once an application has registered something with it: importing
// Weft costs nothing while telemetry is off (decision 0014), the API's 40–60 ms load included.
import { createRequire } from "node:module";
import type * as OtelApi from "@opentelemetry/api";
import type {
	ProxyTracerProvider,
	SpanKind,
	SpanStatusCode,
	TraceFlags,
	Tracer,
	TracerProvider,
} from "@opentelemetry/api";

export type { OtelApi };

/** The instrumentation scope of every span and metric Weft records (the runtime's and the LLM layer's). */
export const SCOPE = "@weft/graph";

/** Where every copy of the API (1.x, CommonJS or ESM build) keeps its registered globals. */
const GLOBAL = Symbol.for("opentelemetry.js.api.1");

let api: typeof OtelApi | undefined;

/**
 * The OpenTelemetry API once some copy of it has registered a global (tracer or meter provider, context
 * manager, propagator, logger), loaded then and kept; undefined before: no tracer, no meter, no
 * context, telemetry off.
 */
export function otelApi(): typeof OtelApi | undefined {
	if (api !== undefined) return api;
	if ((globalThis as Record<symbol, unknown>)[GLOBAL] === undefined)
		return undefined;
	try {
		api = createRequire(import.meta.url)(
			"@opentelemetry/api",
		) as typeof OtelApi;
	} catch {
		// an optional peer dependency: a global registered by a copy this package cannot resolve
		// (a bundled SDK) leaves telemetry off rather than failing the run
		return undefined;
	}
	return api;
}

// the API's enum values, usable without loading it
export const STATUS_OK = 1 as SpanStatusCode.OK;
export const STATUS_ERROR = 2 as SpanStatusCode.ERROR;
export const KIND_INTERNAL = 0 as SpanKind.INTERNAL;
export const KIND_CLIENT = 2 as SpanKind.CLIENT;
export const FLAG_SAMPLED = 1 as TraceFlags.SAMPLED;

let noopTracerProvider: TracerProvider | undefined;
let tracing:
	| { provider: TracerProvider; tracer: Tracer | undefined }
	| undefined;

/**
 * Weft's tracer from the provider registered now, or undefined while none is (then no span is started
 * and no attribute built). Asked of the registered provider itself, once per provider: the API's proxy
 * tracer keeps its first delegate, and asking the provider for a tracer on every span costs a lookup.
 */
export function tracer(): Tracer | undefined {
	const api = otelApi();
	if (api === undefined) return undefined;
	noopTracerProvider ??= new api.ProxyTracerProvider().getDelegate();
	const global = api.trace.getTracerProvider() as Partial<ProxyTracerProvider>;
	// duck-typed: the global proxy may come from another copy of the API (its CommonJS or ESM build)
	const provider =
		typeof global.getDelegate === "function"
			? global.getDelegate()
			: (global as TracerProvider);
	if (tracing?.provider !== provider) {
		let t: Tracer | undefined;
		try {
			t =
				provider === noopTracerProvider ? undefined : provider.getTracer(SCOPE);
		} catch (error) {
			// a provider that throws making a tracer: no spans, the run goes on (see contained.ts)
			api.diag.error("@weft/graph: the tracer provider threw", error);
		}
		tracing = { provider, tracer: t };
	}
	return tracing.tracer;
}
