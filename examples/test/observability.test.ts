import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { context, metrics, trace } from "@opentelemetry/api";
import { afterAll, describe, expect, it } from "vitest";

interface OtlpSpan {
	traceId: string;
	spanId: string;
	parentSpanId?: string;
	name: string;
	attributes: Array<{ key: string; value: Record<string, unknown> }>;
}

/** A loopback OTLP/HTTP receiver: keeps the JSON bodies posted to /v1/traces and /v1/metrics. */
async function startReceiver() {
	const received: Record<string, unknown[]> = {
		"/v1/traces": [],
		"/v1/metrics": [],
	};
	const server = createServer(async (req, res) => {
		const body = await read(req);
		const text =
			req.headers["content-encoding"] === "gzip"
				? gunzipSync(body).toString("utf8")
				: body.toString("utf8");
		received[req.url ?? ""]?.push(JSON.parse(text));
		res.writeHead(200, { "content-type": "application/json" }).end("{}");
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const { port } = server.address() as AddressInfo;
	return {
		endpoint: `http://127.0.0.1:${port}`,
		received,
		close: () => new Promise((r) => server.close(r)),
	};
}

async function read(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const c of req) chunks.push(c as Buffer);
	return Buffer.concat(chunks);
}

const value = (s: OtlpSpan, key: string) => {
	const v = s.attributes.find((a) => a.key === key)?.value;
	return v === undefined ? undefined : Object.values(v)[0];
};

describe("the OTLP example", () => {
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	afterAll(async () => {
		await receiver.close();
		trace.disable();
		metrics.disable();
		context.disable();
	});

	it("exports the run's spans and metrics over OTLP/HTTP to the endpoint in the environment", async () => {
		receiver = await startReceiver();
		process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
		// imported after the variable is set: the exporters read it when they are made
		const { main } = await import("../src/observability/otlp-tracing.ts");
		const result = await main();
		expect(result.status).toBe("done");

		const spans = (receiver.received["/v1/traces"] as any[]).flatMap((b) =>
			b.resourceSpans.flatMap((r: any) =>
				r.scopeSpans.flatMap((s: any) => s.spans as OtlpSpan[]),
			),
		);
		const names = spans.map((s) => s.name);
		expect(names).toContain("invoke_agent calculator"); // an agent run (decision 0131)
		expect(names.filter((n) => n === "weft.step")).toHaveLength(3);
		expect(names).toContain("execute_tool add");
		const chat = spans.filter((s) => s.name === "chat gpt-4o-mini");
		expect(chat).toHaveLength(2);
		expect(value(chat[0]!, "gen_ai.operation.name")).toBe("chat");
		const node = spans.find((s) => s.spanId === chat[0]!.parentSpanId)!;
		expect(node.name).toBe("weft.node agent");
		expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);

		const metricNames = (receiver.received["/v1/metrics"] as any[]).flatMap(
			(b) =>
				b.resourceMetrics.flatMap((r: any) =>
					r.scopeMetrics.flatMap((s: any) => s.metrics.map((m: any) => m.name)),
				),
		);
		expect(metricNames).toEqual(
			expect.arrayContaining([
				"weft.run.duration",
				"weft.node.duration",
				"gen_ai.client.operation.duration",
				"weft.model.tokens",
			]),
		);
	});
});
