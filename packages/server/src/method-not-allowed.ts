import type { Hono, MiddlewareHandler } from "hono";
import { methodNotAllowed } from "hono/method-not-allowed";
import type { Env } from "./context.ts";
import type { ErrorBody } from "./http-errors.ts";
import { unsupportedRoute } from "./unsupported.ts";

/**
 * A path the server has, asked with a method none of its routes takes (`PUT /threads`, `DELETE /ok`):
 * 405 `METHOD_NOT_ALLOWED` with an `Allow` header and the usual JSON error body, rather than the 404 of
 * a path that does not exist (Hono's default). A LangGraph route Weft does not support keeps its own 404,
 * which says what is not supported and what to do instead (`unsupportedRoute`). Registered before the
 * routes; the methods each path takes are read from the app's routes at the first such request.
 */
export function methodNotAllowedAnswer(app: Hono<Env>): MiddlewareHandler<Env> {
	return methodNotAllowed<Env>({
		app,
		onMethodNotAllowed: (c, methods) => {
			const { method, path } = c.req;
			const unsupported = unsupportedRoute(method, path);
			if (unsupported !== undefined) return c.json(unsupported, 404);
			const allow = methods.join(", ");
			const body: ErrorBody = {
				detail: `${method} ${path}: this path is answered to ${allow} only`,
				code: "METHOD_NOT_ALLOWED",
				hint: `send ${allow}; /openapi.json lists each route's methods`,
			};
			return c.json(body, 405, { Allow: allow });
		},
	});
}
