import { authHeaders } from "./api.ts";

/** One server-sent event. */
export interface SseEvent {
	id: string | undefined;
	event: string;
	data: unknown;
}

/** The events of an SSE response body, as they arrive. */
export async function* readSse(
	body: ReadableStream<Uint8Array>,
): AsyncGenerator<SseEvent> {
	const reader = body.getReader();
	const decoder = new TextDecoder();
	let buffer = "";
	for (;;) {
		const { value, done } = await reader.read();
		if (done) return;
		buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
		for (
			let end = buffer.indexOf("\n\n");
			end >= 0;
			end = buffer.indexOf("\n\n")
		) {
			const block = buffer.slice(0, end);
			buffer = buffer.slice(end + 2);
			let id: string | undefined;
			let event = "message";
			const data: string[] = [];
			for (const line of block.split("\n")) {
				const colon = line.indexOf(":");
				if (colon === 0) continue; // a comment (keep-alive)
				const field = colon < 0 ? line : line.slice(0, colon);
				const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
				if (field === "id") id = text;
				else if (field === "event") event = text;
				else if (field === "data") data.push(text);
			}
			if (data.length === 0 && id === undefined) continue;
			const raw = data.join("\n");
			let parsed: unknown = raw;
			try {
				parsed = JSON.parse(raw);
			} catch {
				// not JSON: kept as text
			}
			yield { id, event, data: parsed };
		}
	}
}

/**
 * Follows an SSE stream: reads it, and when it drops reconnects with `Last-Event-ID` (the last id seen),
 * so no event is lost or repeated, for as long as `more()` says there is more to come (then reads once
 * more, for the events after the last id the drop cut off). Sends the stored bearer token (`authHeaders`):
 * a fetch stream, not an `EventSource`, so it can.
 */
export async function follow(
	url: string,
	onEvent: (e: SseEvent) => void,
	options: {
		signal: AbortSignal;
		more: () => Promise<boolean>;
		retryMs?: number;
	},
): Promise<void> {
	let lastId: string | undefined;
	let last = false;
	while (!options.signal.aborted) {
		try {
			const res = await fetch(url, {
				headers: {
					...authHeaders(),
					...(lastId === undefined ? {} : { "Last-Event-ID": lastId }),
				},
				signal: options.signal,
			});
			if (res.ok && res.body !== null)
				for await (const e of readSse(res.body)) {
					if (e.id !== undefined) lastId = e.id;
					onEvent(e);
				}
		} catch {
			// dropped (or aborted): decided below
		}
		if (options.signal.aborted || last) return;
		// nothing more to come: one last read after the last id gets what a drop may have cut off
		if (!(await options.more().catch(() => true))) last = true;
		else await new Promise((r) => setTimeout(r, options.retryMs ?? 500));
	}
}
