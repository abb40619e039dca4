import { isWeftError, type StreamEvent } from "@weft/graph";
import pc from "picocolors";
import { LiveLine } from "./live-line.ts";
import { callText, contentText, plainMessage } from "./messages.ts";
import { stdoutLine } from "./output.ts";
import { canRedraw, plural } from "./terminal.ts";

/**
 * Shows a run as it goes. On a terminal that can redraw: a live status line (step, nodes running,
 * tokens, a ticking timer) under the lines of finished steps; elsewhere (a pipe, TERM=dumb, CI) plain
 * lines only. Used for runs of this process and for runs watched in the store.
 */
export class Progress {
	readonly #live: LiveLine | undefined;
	readonly #started = Date.now();
	readonly #running = new Map<string, number>();
	#step = 0;
	#tokens = 0;
	#stream = "";
	/** Lines held back until the run shows it went on (see `start`). */
	#held: string[] | undefined;
	/** A task started: an error now is the run's, not an answer refused before it (see `event`). */
	#tasked = false;
	#release: (event: StreamEvent) => boolean = wentOn;

	constructor(live = canRedraw()) {
		this.#live = live
			? new LiveLine(process.stdout, () => this.#status())
			: undefined;
	}

	/**
	 * Prints the run's title. `afterAnswer`: a run that resumes with an answer prints it only once the answer
	 * was taken (the node went on: it wrote, streamed, paused again or its step committed); an answer the
	 * request refuses ends the run first, and no "resuming" line is printed for it. `before`: a line printed
	 * before the title, and held with it (what an edit changes: said only of an answer taken).
	 * `afterStart`: a run that may be refused before it starts (`recover`, `continue` or `run --thread` of a
	 * thread another runner holds) prints it at its first event that is not the refusal.
	 */
	start(
		label: string,
		options: {
			afterAnswer?: boolean | undefined;
			afterStart?: boolean | undefined;
			before?: string | undefined;
		} = {},
	): void {
		const lines = [
			...(options.before === undefined ? [] : [options.before]),
			pc.dim(label),
		];
		if (options.afterAnswer === true) this.#held = lines;
		else if (options.afterStart === true) {
			this.#held = lines;
			this.#release = started;
		} else for (const line of lines) this.print(line);
		this.#live?.start();
	}

	event(event: StreamEvent): void {
		if (this.#held !== undefined && this.#release(event)) {
			for (const line of this.#held) this.print(line);
			this.#held = undefined;
		}
		switch (event.type) {
			case "task":
				this.#tasked = true;
				this.#step = event.step;
				if (event.phase === "start") this.#running.set(event.node, Date.now());
				else this.#running.delete(event.node);
				break;
			case "update":
				this.print(
					`${pc.dim(`step ${event.step}`)} ${event.node} ${pc.dim(`wrote ${Object.keys(event.data).join(", ") || "nothing"}`)}${toolCallsOf(event.data)}`,
				);
				this.#stream = "";
				break;
			case "message":
				this.#tokens += 1;
				this.#stream = (this.#stream + chunkText(event.chunk)).slice(-80);
				break;
			case "custom":
				this.print(
					`${pc.dim(`  ${event.node}:`)} ${JSON.stringify(event.data)}`,
				);
				break;
			case "interrupt":
				for (const i of event.interrupts)
					this.print(pc.yellow(`paused at "${i.node}" (interrupt ${i.id})`));
				break;
			case "error":
				// a run refused before it started (an answer that came second, a thread another run holds) is
				// no failed run: the thread is as it was, and the error printed after says why
				if (refusal(event.error)) break;
				// an answer refused before any task started (its response schema: decision 0261) is no failed run
				// either: the thread is as it was, and the error printed after says why
				if (
					this.#held !== undefined &&
					this.#release === wentOn &&
					!this.#tasked &&
					refusedAnswer(event.error)
				)
					break;
				this.print(
					pc.red(
						`failed${event.node === undefined ? "" : ` in "${event.node}"`}`,
					),
				);
				break;
			default:
				break;
		}
		this.#live?.render();
	}

	/** A line above the status line (or a plain line). */
	print(line: string): void {
		if (this.#live !== undefined) this.#live.print(line);
		else stdoutLine(line);
	}

	stop(): void {
		this.#live?.stop();
	}

	#status(): string {
		const seconds = ((Date.now() - this.#started) / 1000).toFixed(1);
		const nodes =
			this.#running.size > 0
				? `running ${[...this.#running.keys()].join(", ")}`
				: "planning";
		const tokens =
			this.#tokens > 0 ? ` · ${plural(this.#tokens, "token")}` : "";
		const tail =
			this.#stream === ""
				? ""
				: ` · ${pc.dim(this.#stream.replace(/\s+/g, " "))}`;
		return `step ${this.#step} · ${nodes} · ${seconds}s${tokens}${tail}`;
	}
}

/** The codes of a run refused before it ran anything: the thread is as it was. */
const REFUSALS: ReadonlySet<string> = new Set([
	"NO_PENDING_INTERRUPT",
	"UNKNOWN_INTERRUPT_ID",
	"THREAD_BUSY",
]);

const refusal = (error: unknown): boolean =>
	isWeftError(error) && REFUSALS.has(error.code);

/** The codes of an answer refused before its node took it (it fails the response schema, or cannot be stored). */
const refusedAnswer = (error: unknown): boolean =>
	isWeftError(error, "VALIDATION_FAILED") ||
	isWeftError(error, "SERIALIZATION_FAILED");

/**
 * An event a resumed run sends only after its answer was taken (a refused one ends the run before). Not
 * the state it starts from (`values`, `checkpoint`: a run resumed at a past checkpoint sends them first).
 */
const wentOn = (event: StreamEvent) =>
	event.type === "lifecycle"
		? event.state === "committing"
		: !["task", "error", "end", "values", "checkpoint"].includes(event.type);

/** A task started, or a sign of one (a refused run plans, then ends with its error): the run started. */
const started = (event: StreamEvent) => event.type === "task" || wentOn(event);

function chunkText(chunk: unknown): string {
	if (typeof chunk === "string") return chunk;
	return contentText((chunk as { content?: unknown } | null)?.content ?? "");
}

/** " → send_email({…})" for an update that holds an AI message with tool calls. */
function toolCallsOf(data: Record<string, unknown>): string {
	const calls: string[] = [];
	for (const v of Object.values(data))
		for (const item of Array.isArray(v) ? v : [v]) {
			const m = plainMessage(item);
			for (const c of m?.toolCalls ?? []) calls.push(callText(c));
		}
	return calls.length === 0 ? "" : ` ${pc.cyan(`→ ${calls.join(", ")}`)}`;
}
