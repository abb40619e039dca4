// Preloaded into `weft serve` / `weft worker` by wait-timeline.ts (`--import`): records every query sent
// through `pg` (start and end on the wall clock, in µs, its connection and its first words) and every
// NOTIFY a connection receives. SIGUSR2 starts recording; the next SIGUSR2 writes the records to
// $WEFT_TRACE_OUT (`%p`: this process's pid) and stops.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const out = process.env.WEFT_TRACE_OUT?.replace("%p", String(process.pid));
/** A record: [kind, start µs, end µs, connection, text]. */
type Rec = [string, number, number, number, string];

if (out !== undefined) {
	// the server's `pg` (one copy under pnpm: graphile-worker resolves the same one)
	const root = join(import.meta.dirname, "../../../packages/server/");
	const pg = createRequire(join(root, "package.json"))("pg");
	const at = () =>
		Math.round((performance.timeOrigin + performance.now()) * 1000);
	let recs: Rec[] | undefined;
	const ids = new WeakMap<object, number>();
	let next = 0;
	const idOf = (c: object) => {
		const id = ids.get(c);
		if (id !== undefined) return id;
		next += 1;
		ids.set(c, next);
		return next;
	};
	const textOf = (q: unknown): string => {
		const t =
			typeof q === "string"
				? q
				: ((q as { text?: string; name?: string })?.text ??
					(q as { name?: string })?.name ??
					"?");
		return t.replace(/\s+/g, " ").trim().slice(0, 90);
	};
	const query = pg.Client.prototype.query;
	pg.Client.prototype.query = function (this: object, ...args: unknown[]) {
		if (recs === undefined) return query.apply(this, args);
		const rec: Rec = ["q", at(), 0, idOf(this), textOf(args[0])];
		recs.push(rec);
		const end = () => {
			rec[2] = at();
		};
		const cb = args.findIndex((a) => typeof a === "function");
		if (cb >= 0) {
			const f = args[cb] as (...a: unknown[]) => void;
			args[cb] = (...a: unknown[]) => {
				end();
				f(...a);
			};
			return query.apply(this, args);
		}
		const cfg = args[0] as { callback?: (...a: unknown[]) => void } | null;
		if (
			cfg !== null &&
			typeof cfg === "object" &&
			typeof cfg.callback === "function"
		) {
			const f = cfg.callback;
			cfg.callback = (...a: unknown[]) => {
				end();
				f(...a);
			};
			return query.apply(this, args);
		}
		const r = query.apply(this, args);
		if (r !== undefined && typeof r.then === "function") r.then(end, end);
		return r;
	};
	const emit = pg.Client.prototype.emit;
	pg.Client.prototype.emit = function (
		this: object,
		name: string,
		...a: unknown[]
	) {
		if (recs !== undefined && name === "notification") {
			const n = a[0] as { channel: string; payload?: string };
			const t = at();
			recs.push([
				"n",
				t,
				t,
				idOf(this),
				`${n.channel} ${n.payload ?? ""}`.slice(0, 90),
			]);
		}
		return emit.call(this, name, ...a);
	};
	// HTTP requests this process answers (the API): arrival and the end of the response
	const http = createRequire(import.meta.url)("node:http");
	const serverEmit = http.Server.prototype.emit;
	http.Server.prototype.emit = function (
		this: object,
		name: string,
		...a: unknown[]
	) {
		if (recs !== undefined && name === "request") {
			const [req, res] = a as [
				{ method: string; url: string },
				{ once(e: string, f: () => void): void },
			];
			const rec: Rec = ["h", at(), 0, 0, `${req.method} ${req.url}`];
			recs.push(rec);
			res.once("finish", () => {
				rec[2] = at();
			});
		}
		return serverEmit.call(this, name, ...a);
	};
	process.on("SIGUSR2", () => {
		if (recs === undefined) {
			recs = [];
			return;
		}
		writeFileSync(out, JSON.stringify(recs));
		recs = undefined;
		process.stderr.write("weft trace: written\n");
	});
}
