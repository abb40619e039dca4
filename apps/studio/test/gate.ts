import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** An HTTP server that holds each `GET /<name>` until the test releases it: steps that end on cue. */
export interface Gate {
	url: string;
	/** Resolves once a request for `name` has come in. */
	arrived(name: string): Promise<void>;
	/** Answers the request for `name` (now, or as soon as it comes). */
	release(name: string): void;
	close(): Promise<void>;
}

export async function openGate(): Promise<Gate> {
	const held = new Map<string, ServerResponse>();
	const released = new Set<string>();
	const waiting = new Map<string, () => void>();
	const server = createServer((req, res) => {
		const name = (req.url ?? "/").slice(1);
		if (released.has(name)) return void res.end("go");
		held.set(name, res);
		waiting.get(name)?.();
	});
	await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		arrived: (name) =>
			held.has(name)
				? Promise.resolve()
				: new Promise((done) => waiting.set(name, done)),
		release: (name) => {
			released.add(name);
			held.get(name)?.end("go");
		},
		close: () =>
			new Promise((done) => {
				for (const res of held.values()) if (!res.writableEnded) res.end();
				server.closeAllConnections();
				server.close(() => done());
			}),
	};
}
