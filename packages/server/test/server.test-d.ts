import { expectTypeOf, it } from "vitest";
import {
	type Authenticate,
	type AuthUser,
	bearerTokens,
	createApp,
	nextRunStatus,
	type RunLifecycleStatus,
	serve,
	studioBuild,
	type WeftApp,
} from "../src/index.ts";

it("types the public surface", () => {
	expectTypeOf(createApp).returns.toEqualTypeOf<WeftApp>();
	expectTypeOf(serve).returns.resolves.toHaveProperty("port").toBeNumber();
	expectTypeOf(bearerTokens).returns.toEqualTypeOf<Authenticate>();
	expectTypeOf<ReturnType<Authenticate>>().toEqualTypeOf<
		Promise<AuthUser | null> | AuthUser | null
	>();
	expectTypeOf(nextRunStatus).returns.toEqualTypeOf<
		RunLifecycleStatus | undefined
	>();
});

it("types studioBuild: a hint only when not built", () => {
	const s = studioBuild();
	if (s.built) {
		// @ts-expect-error a built studio has no hint to give
		void s.hint;
	} else expectTypeOf(s.hint).toBeString();
	// @ts-expect-error the only option is dir
	studioBuild({ path: "x" });
});
