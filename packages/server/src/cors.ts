import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/** Which browser origins may call the server (`createApp({ cors })`). */
export interface CorsOptions {
	/** `"*"` (any origin, LangGraph's default) or the origins allowed, e.g. `["http://localhost:5173"]`. */
	origins: "*" | readonly string[];
	/** Let browsers send cookies or HTTP auth (`Access-Control-Allow-Credentials`); needs listed origins. */
	credentials?: boolean | undefined;
}

/**
 * The response headers a browser app may read: those the SDK reads (`Content-Location` of a new run,
 * `Location` of a stream, pagination), the studio's history cursor, a 429's `Retry-After` and a 405's
 * `Allow`.
 */
const EXPOSED = [
	"content-location",
	"location",
	"x-pagination-total",
	"x-pagination-next",
	"x-next-cursor",
	"retry-after",
	"allow",
];

/** CORS for browser apps (`useStream`, Agent Chat UI, a Vite dev server): preflights answered 204. */
export function corsFor(options: CorsOptions): MiddlewareHandler {
	return cors({
		origin: options.origins === "*" ? "*" : [...options.origins],
		exposeHeaders: EXPOSED,
		...(options.credentials === true ? { credentials: true } : {}),
	});
}
