import { expectTypeOf, it } from "vitest";
import {
	type Authenticate,
	type AuthUser,
	bearerTokens,
	createApp,
	nextRunStatus,
	type RunLifecycleStatus,
	serve,
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
