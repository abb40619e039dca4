import {
	type BlobPlace,
	createSerializer,
	isTaggedValue,
	JsonSerializer,
	type Serializer,
	type TaggedValue,
} from "@weft/checkpoint";
import { describe, expectTypeOf, it } from "vitest";

const place: BlobPlace = { threadId: "t", ns: "", checkpointId: "c" };

describe("serializer types", () => {
	it("createSerializer takes keys, migration flags and the reader mode", () => {
		expectTypeOf(
			createSerializer({
				encryptionKey: [new Uint8Array(32), { id: "old", key: "ab" }],
				allowPlaintext: true,
				legacyUnbound: true,
				unknownTypes: "tag",
			}),
		).toEqualTypeOf<Serializer>();
		// @ts-expect-error: unknownTypes is "error" or "tag"
		createSerializer({ unknownTypes: "ignore" });
		// @ts-expect-error: a key is bytes or a string
		createSerializer({ encryptionKey: 42 });
		expectTypeOf(
			new JsonSerializer({ unknownTypes: "tag" }),
		).toMatchTypeOf<Serializer>();
	});

	it("serialize and deserialize take the blob's place", () => {
		const s = createSerializer();
		expectTypeOf(s.serialize({ a: 1 }, place)).toEqualTypeOf<Uint8Array>();
		expectTypeOf(s.deserialize(new Uint8Array(), place)).toBeUnknown();
		// @ts-expect-error: a place names thread, namespace and checkpoint
		s.deserialize(new Uint8Array(), { threadId: "t" });
	});

	it("isTaggedValue narrows to { $type, value }", () => {
		const value: unknown = null;
		if (isTaggedValue(value)) {
			expectTypeOf(value).toEqualTypeOf<TaggedValue>();
			expectTypeOf(value.$type).toEqualTypeOf<string>();
			expectTypeOf(value.value).toBeUnknown();
		}
	});
});
