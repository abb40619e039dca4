/** Process-wide telemetry settings. */
export interface TelemetryOptions {
	/**
	 * Record message contents (prompts, answers, tool arguments and results) on model and tool spans.
	 * Off by default, so prompts don't leak into telemetry; the environment variable
	 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true` turns it on too.
	 */
	captureContent?: boolean | undefined;
	/**
	 * Keep the prompt and answer of each model call in the checkpoint's metadata (`metadata.timing.calls`),
	 * where the studio shows them. Off by default (they would be stored with every step); `weft dev` and
	 * the studio's server turn it on.
	 */
	recordContent?: boolean | undefined;
}

/** The settings in force (`TelemetryOptions` with defaults applied). */
export interface TelemetrySettings {
	readonly captureContent: boolean;
	readonly recordContent: boolean;
}

let settings: TelemetrySettings | undefined;

/**
 * Sets how Weft records telemetry (spans and metrics go to whatever OpenTelemetry provider the
 * application registers; with none, nothing is recorded). Calls merge: an option a call leaves out (or
 * gives as `undefined`) keeps the value it had, so `weft dev` turning `recordContent` on leaves an
 * application's `captureContent` as it set it.
 * @example
 * configureTelemetry({ captureContent: true }); // prompts and answers on model spans
 */
export function configureTelemetry(options: TelemetryOptions): void {
	const before = telemetrySettings();
	settings = {
		captureContent: options.captureContent ?? before.captureContent,
		recordContent: options.recordContent ?? before.recordContent,
	};
}

/** The telemetry settings in force (before any `configureTelemetry` call: the defaults and the environment). */
export function telemetrySettings(): TelemetrySettings {
	settings ??= { captureContent: fromEnv(), recordContent: false };
	return settings;
}

function fromEnv(): boolean {
	// read through globalThis: the runtime also loads where there is no `process` (a browser studio)
	const env = (globalThis as { process?: { env?: Record<string, string> } })
		.process?.env;
	return env?.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT === "true";
}
