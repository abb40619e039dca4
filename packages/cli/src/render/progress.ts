import type { StreamEvent } from "@weft/graph";
import ora, { type Ora } from "ora";
import pc from "picocolors";

/**
 * Shows a run as it goes. In a terminal: a live line (step, nodes running, tokens, elapsed) above which
 * finished steps are printed; elsewhere, plain lines.
 */
export class Progress {
	readonly #tty: boolean;
	readonly #started = Date.now();
	readonly #running = new Set<string>();
	#spinner: Ora | undefined;
	#step = 0;
	#tokens = 0;
	#stream = "";

	constructor(tty = process.stdout.isTTY === true) {
		this.#tty = tty;
	}

	start(label: string): void {
		if (this.#tty)
			this.#spinner = ora({ text: label, stream: process.stdout }).start();
		else this.#print(label);
	}

	event(event: StreamEvent): void {
		switch (event.type) {
			case "task":
				if (event.phase === "start") this.#running.add(event.node);
				else this.#running.delete(event.node);
				this.#step = event.step;
				break;
			case "update":
				this.#print(
					`${pc.dim(`step ${event.step}`)} ${event.node} ${pc.dim(`wrote ${Object.keys(event.data).join(", ") || "nothing"}`)}`,
				);
				this.#stream = "";
				break;
			case "message": {
				const text = textOf(event.chunk);
				this.#tokens += 1;
				this.#stream = (this.#stream + text).slice(-60);
				break;
			}
			case "custom":
				this.#print(
					`${pc.dim(`  ${event.node}:`)} ${JSON.stringify(event.data)}`,
				);
				break;
			case "interrupt":
				for (const i of event.interrupts)
					this.#print(pc.yellow(`paused at "${i.node}" (interrupt ${i.id})`));
				break;
			case "error":
				this.#print(
					pc.red(
						`failed${event.node === undefined ? "" : ` in "${event.node}"`}`,
					),
				);
				break;
			default:
				break;
		}
		this.#render();
	}

	stop(): void {
		this.#spinner?.stop();
	}

	#render(): void {
		if (this.#spinner === undefined) return;
		const seconds = ((Date.now() - this.#started) / 1000).toFixed(1);
		const nodes =
			this.#running.size > 0
				? `running ${[...this.#running].join(", ")}`
				: "planning";
		const tokens = this.#tokens > 0 ? ` · ${this.#tokens} tokens` : "";
		const tail =
			this.#stream === ""
				? ""
				: ` · ${pc.dim(this.#stream.replace(/\s+/g, " "))}`;
		this.#spinner.text = `step ${this.#step} · ${nodes} · ${seconds}s${tokens}${tail}`;
	}

	#print(line: string): void {
		if (this.#spinner !== undefined) {
			this.#spinner.clear();
			process.stdout.write(`${line}\n`);
			this.#spinner.render();
		} else {
			process.stdout.write(`${line}\n`);
		}
	}
}

function textOf(chunk: unknown): string {
	if (typeof chunk === "string") return chunk;
	const content = (chunk as { content?: unknown } | null)?.content;
	return typeof content === "string" ? content : "";
}
