import {
	ConfigError,
	createSerializer,
	isWeftError,
	type Serializer,
} from "@weft/checkpoint";

/** The environment variable with the key(s) of an encrypted store (see docs/cli.md). */
export const KEY_VARIABLE = "WEFT_ENCRYPTION_KEY";

let reader: Serializer | undefined;

/**
 * The serializer the CLI opens stores with: a reader (`unknownTypes: "tag"`). It reads every type Weft
 * itself writes without the graph module (LangChain messages are revived when `@langchain/core` can be
 * loaded); a type only a graph module registers comes back as a `TaggedValue` (`{ $type, value }`),
 * which the CLI displays and writes back unchanged, so one such value never breaks a listing. With
 * WEFT_ENCRYPTION_KEY set it reads and writes an encrypted store (`createSerializer({ encryptionKey })`).
 */
export function readerSerializer(): Serializer {
	reader ??= createSerializer({
		unknownTypes: "tag",
		...encryption(process.env[KEY_VARIABLE]),
	});
	return reader;
}

/**
 * WEFT_ENCRYPTION_KEY as `encryptionKey`: one key (64 hex digits or base64 of 32 bytes), or several
 * separated by commas, which rotate as a key list does (the first encrypts, all decrypt). Unset: none.
 */
function encryption(value: string | undefined): {
	encryptionKey?: string[];
} {
	if (value === undefined) return {};
	const keys = value
		.split(",")
		.map((k) => k.trim())
		.filter((k) => k !== "");
	if (keys.length === 0)
		throw new ConfigError(
			"CONFIG_INVALID",
			`${KEY_VARIABLE} is set but holds no key`,
			{
				hint: `set it to the store's key (64 hex digits or base64 of 32 bytes; several comma-separated, the first writes), or unset it for a store that is not encrypted`,
			},
		);
	try {
		createSerializer({ encryptionKey: keys });
	} catch (error) {
		if (!isWeftError(error)) throw error;
		throw new ConfigError(
			"CONFIG_INVALID",
			`${KEY_VARIABLE}: ${error.message}`,
			{ hint: error.hint, cause: error },
		);
	}
	return { encryptionKey: keys };
}
