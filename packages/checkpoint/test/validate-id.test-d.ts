import { type IdKind, MAX_ID_LENGTH, validateId } from "@weft/checkpoint";
import { expectTypeOf, it } from "vitest";

it("validateId narrows unknown input to a string", () => {
	expectTypeOf(validateId).parameter(0).toEqualTypeOf<unknown>();
	expectTypeOf(validateId("x")).toEqualTypeOf<string>();
	expectTypeOf<"namespace">().toExtend<IdKind>();
	expectTypeOf(MAX_ID_LENGTH).toBeNumber();
});
