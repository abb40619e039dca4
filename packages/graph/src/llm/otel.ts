// What the LLM layer's telemetry shares: the OpenTelemetry API (loaded only once the application has
// registered something with it), the tracer of the registered provider and in-memory counts reported by
// observable counters. (`@weft/graph`'s core keeps its own: the layer uses its public API only.)
import { createRequire } from "node:module";
import type * as OtelApi from "@opentelemetry/api";
import type {
	Attributes,
	ObservableCounter,
	ProxyTracerProvider,
	SpanKind,
	SpanStatusCode,
	Tracer,
	TracerProvider,
} from "@opentelemetry/api";

/** The instrumentation scope of the layer's spans and metrics (the runtime's). */
export const SCOPE = "@weft/graph";

// the API's enum values, usable without loading it
export const STATUS_OK = 1 as SpanStatusCode.OK;
export const STATUS_ERROR = 2 as SpanStatusCode.ERROR;
export const KIND_INTERNAL = 0 as SpanKind.INTERNAL;
export const KIND_CLIENT = 2 as SpanKind.CLIENT;

/** Where every copy of the API (1.x, CommonJS or ESM build) keeps its registered globals. */
const GLOBAL = Symbol.for("opentelemetry.js.api.1");
let api: typeof OtelApi | undefined;

/**
 * The OpenTelemetry API once some copy of it has registered a global (tracer or meter provider, context
 * manager, propagator, logger), loaded then and kept; undefined before: telemetry off (decision 0014:
 * no cost when off, the API's load included).
 */
export function llmOtelApi(): typeof OtelApi | undefined {
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

let noopTracerProvider: TracerProvider | undefined;
let tracing:
	| { provider: TracerProvider; tracer: Tracer | undefined }
	| undefined;

/**
 * The tracer of the provider registered now, asked once per provider, or undefined while none is
 * (then no span is started and no attribute built).
 */
export function llmTracer(): Tracer | undefined {
	const api = llmOtelApi();
	if (api === undefined) return undefined;
	noopTracerProvider ??= new api.ProxyTracerProvider().getDelegate();
	const global = api.trace.getTracerProvider() as Partial<ProxyTracerProvider>;
	// duck-typed: the global proxy may come from another copy of the API (its CommonJS or ESM build)
	const provider =
		typeof global.getDelegate === "function"
			? global.getDelegate()
			: (global as TracerProvider);
	if (tracing?.provider !== provider)
		tracing = {
			provider,
			tracer:
				provider === noopTracerProvider ? undefined : provider.getTracer(SCOPE),
		};
	return tracing.tracer;
}

/** One attribute set's running sum in a `Counts`. */
export interface CountPoint {
	readonly attributes: Attributes;
	value: number;
}

/**
 * Sums per attribute set kept in memory and reported by an observable counter at each collection:
 * adding is a field update, where a synchronous counter's `add` hashes its attribute set every time.
 */
export class Counts {
	readonly #points = new Map<string, CountPoint>();

	constructor(instrument: ObservableCounter) {
		instrument.addCallback((result) => {
			for (const p of this.#points.values())
				result.observe(p.value, p.attributes);
		});
	}

	/** The point of `key`, made with `attributes()` on first use. */
	point(key: string, attributes: () => Attributes): CountPoint {
		let p = this.#points.get(key);
		if (p === undefined) {
			p = { attributes: Object.freeze(attributes()), value: 0 };
			this.#points.set(key, p);
		}
		return p;
	}
}
