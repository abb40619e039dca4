import { ConfigError, refuseUnknownKeys } from "@weft/checkpoint";

/** A mistake in the router's (or a helper's) options, refused where it is made, with what to do. */
export function configInvalid(message: string, hint: string): ConfigError {
	return new ConfigError("CONFIG_INVALID", message, { hint });
}

/** The longest delay `setTimeout` keeps: Node fires a longer one after 1 ms (TimeoutOverflowWarning). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface NumberRule {
	/** Smallest allowed value (inclusive). Default 0. */
	min?: number;
	/** Strictly above 0 (a rate: 0 would never grant anything). Default false. */
	positive?: boolean;
	/** Only whole numbers. Default false. */
	integer?: boolean;
	/** Infinity allowed (an explicit "no limit"). Default false. */
	infinite?: boolean;
	/** undefined is refused too. Default false. */
	required?: boolean;
	/** A delay a timer waits for: at most MAX_TIMER_MS. Default false. */
	timer?: boolean;
}

/**
 * Checks an optional numeric option: undefined passes; NaN, a string, a value out of range or a
 * fraction where a count is meant is CONFIG_INVALID naming the option (`where` is its path).
 */
export function checkNumber(
	value: unknown,
	where: string,
	rule: NumberRule = {},
): void {
	if (value === undefined && rule.required !== true) return;
	const min = rule.min ?? 0;
	const ok =
		typeof value === "number" &&
		!Number.isNaN(value) &&
		(Number.isFinite(value) || (rule.infinite === true && value > 0)) &&
		(rule.positive === true ? value > 0 : value >= min) &&
		(rule.integer !== true ||
			!Number.isFinite(value) ||
			Number.isInteger(value)) &&
		(rule.timer !== true || value <= MAX_TIMER_MS);
	if (ok) return;
	const kind = rule.integer === true ? "a whole number" : "a number";
	const range = rule.positive === true ? "> 0" : `>= ${min}`;
	if (rule.timer === true)
		throw configInvalid(
			`${where} must be a number of milliseconds ${range} and at most ${MAX_TIMER_MS} (the longest timer Node keeps), got ${describe(value)}`,
			`leave ${where} out${rule.positive === true ? " for no timeout" : " for the default"}, or set it to at most ${MAX_TIMER_MS} (about 24.8 days)`,
		);
	throw configInvalid(
		`${where} must be ${kind} ${range}, got ${describe(value)}`,
		`set ${where} to ${kind} ${range}${rule.infinite === true ? " (Infinity for no limit)" : ""}${rule.required === true ? " (it has no default)" : ", or leave it out for the default"}`,
	);
}

/** A value as a message shows it (a string quoted, NaN as NaN, an object by its type). */
export function describe(value: unknown): string {
	if (typeof value === "string") return JSON.stringify(value);
	if (typeof value === "number" || typeof value === "boolean")
		return String(value);
	if (value === null) return "null";
	if (value === undefined) return "undefined";
	if (typeof value === "function") return "a function";
	if (Array.isArray(value)) return "an array";
	return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** How a caller words its object refusal (one with its own wording keeps it: tests and users' logs match it). */
export interface ObjectWording {
	/** What the refusal says before `, got <value>`. Default "<where> must be an object". */
	mustBe?: string;
	/** Default "pass an object for <where>, or leave it out". */
	hint?: string;
	/** Whether an array passes (as an object with no keys). Default false: refused. */
	allowArrays?: boolean;
}

/** Checks that an option is a plain object (or absent). */
export function checkObject(
	value: unknown,
	where: string,
	wording: ObjectWording = {},
): void {
	if (value === undefined) return;
	const {
		mustBe = `${where} must be an object`,
		hint = `pass an object for ${where}, or leave it out`,
		allowArrays = false,
	} = wording;
	if (
		value === null ||
		typeof value !== "object" ||
		(!allowArrays && Array.isArray(value))
	)
		throw configInvalid(`${mustBe}, got ${describe(value)}`, hint);
}

/** An options object (or absent) with no key outside `keys`: a misspelt one was ignored without a word. */
export function checkOptionObject(
	value: unknown,
	where: string,
	keys: ReadonlySet<string>,
	wording: ObjectWording = {},
): void {
	checkObject(value, where, wording);
	refuseUnknownKeys(value, keys, where);
}

/** A LangChain chat model (anything with `invoke`): what `models` and deployments must hold. */
export function isChatModel(value: unknown): boolean {
	return (
		typeof value === "object" &&
		value !== null &&
		typeof (value as { invoke?: unknown }).invoke === "function"
	);
}

/** Refuses anything but a chat model where one is needed (`where` is the option's path). */
export function checkModel(value: unknown, where: string): void {
	if (!isChatModel(value))
		throw configInvalid(
			`${where} is not a chat model (got ${describe(value)})`,
			"pass a @langchain/core chat model (e.g. new ChatOpenAI(…)) or an entry { model, … }",
		);
}

/** Which of `methods` `value` lacks as functions (all of them when it is no object). */
export function missingMethods(
	value: unknown,
	methods: readonly string[],
): string[] {
	return methods.filter(
		(m) =>
			value === null ||
			typeof value !== "object" ||
			typeof (value as Record<string, unknown>)[m] !== "function",
	);
}

/** Whether `v` is a list of strings (a non-empty one with `nonEmpty`). */
export const isStringList = (v: unknown, nonEmpty = false): v is string[] =>
	Array.isArray(v) &&
	(!nonEmpty || v.length > 0) &&
	v.every((x) => typeof x === "string");
