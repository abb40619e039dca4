import { createRequire } from "node:module";
import type { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";
import { nativeBinding } from "./native-binding.ts";
import { WAL_AUTOCHECKPOINT_PAGES } from "./open-database.ts";

/** Committed writes of this connection between two checkpoints asked of the thread (≈ 3,800 WAL pages). */
const EVERY = 512;
/**
 * The connection's own automatic checkpoint while the thread runs: a safety net. A checkpoint that runs
 * beside writes cannot let the WAL start over (a writer restarts it only once every page of it is
 * checkpointed), so under back-to-back writes the WAL grows until this checkpoint, with little left to
 * copy, lets it restart.
 */
const SAFETY_NET_PAGES = 4 * WAL_AUTOCHECKPOINT_PAGES;

/**
 * The checkpoint thread: its own connection to the file, a `PASSIVE` checkpoint (never blocks a writer
 * or a reader) each time it is asked, then the shared flag back to 0. The flag is read without the event
 * loop: a run's steps follow each other in microtasks, so a message back would wait for the run's end.
 * Script text, run by `new Worker(…, { eval: true })`: no file to resolve next to the build or sources.
 */
const SCRIPT = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const asked = new Int32Array(workerData.asked);
const db = new Database(workerData.path, { timeout: 0, nativeBinding: workerData.nativeBinding });
db.pragma("synchronous = " + workerData.synchronous);
parentPort.on("message", (message) => {
	if (message === "close") {
		db.close();
		parentPort.close();
		return;
	}
	try {
		db.pragma("wal_checkpoint(PASSIVE)");
	} catch {}
	Atomics.store(asked, 0, 0);
});
`;

/**
 * WAL checkpoints off the thread that runs the graph (decision 0187). A checkpoint copies the WAL's pages
 * into the file and syncs both (at `synchronous=NORMAL` the only syncs there are): 20–100 ms on a
 * machine whose puts take 80 µs, paid by whichever commit crossed the threshold. After `EVERY` writes
 * the connection asks a worker thread, started then, to checkpoint instead. Durability does not change:
 * a commit is in the WAL before its put returns, whoever checkpoints it later. If the thread cannot
 * start or stops, the connection checkpoints by itself again, as before.
 */
export class BackgroundCheckpoints {
	readonly #db: Database.Database;
	readonly #path: string;
	readonly #synchronous: "NORMAL" | "FULL";
	#worker: Worker | undefined;
	/** [0]: 1 while a checkpoint asked of the thread has not finished. */
	readonly #asked = new Int32Array(new SharedArrayBuffer(4));
	#writes = 0;
	#off = false;

	constructor(
		db: Database.Database,
		path: string,
		synchronous: "normal" | "full",
	) {
		this.#db = db;
		this.#path = path;
		this.#synchronous = synchronous === "full" ? "FULL" : "NORMAL";
	}

	/** Counts a committed write; every `EVERY` writes, asks for a checkpoint unless one is under way. */
	wrote(): void {
		if (this.#off || ++this.#writes < EVERY) return;
		this.#writes = 0;
		if (Atomics.load(this.#asked, 0) !== 0) return;
		const worker = this.#worker ?? this.#start();
		if (worker === undefined) return;
		Atomics.store(this.#asked, 0, 1);
		worker.postMessage("checkpoint");
	}

	/**
	 * Stops the thread, its connection closed first; undefined when no thread ran (the caller then closes
	 * its own connection at once, as before there was one).
	 */
	close(): Promise<void> | undefined {
		this.#off = true;
		const worker = this.#worker;
		this.#worker = undefined;
		if (worker === undefined) return undefined;
		// on "exit" alone (events.once would reject on an "error" first, and the connection would stay open)
		const exited = new Promise<void>((resolve) =>
			worker.once("exit", () => resolve()),
		);
		// held while it closes: an unreferenced thread would let the process end with close() pending
		worker.ref();
		worker.postMessage("close");
		return exited;
	}

	#start(): Worker | undefined {
		try {
			// taken here, not imported: `node:worker_threads` loads Node's streams, ≈ 25 internal modules, into
			// every process that imports this package, and most never write 512 times (decision 0195)
			const { Worker } = process.getBuiltinModule("node:worker_threads");
			const worker = new Worker(SCRIPT, {
				eval: true,
				// none of the process's flags: `--input-type=module` would make the script ESM, a loader
				// hook (tsx) would load for nothing
				execArgv: [],
				workerData: {
					// resolved here, not at load: a bundle without it falls back instead of failing to load
					driver: createRequire(import.meta.url).resolve("better-sqlite3"),
					nativeBinding: nativeBinding(),
					path: this.#path,
					synchronous: this.#synchronous,
					asked: this.#asked.buffer,
				},
			});
			// a process with nothing else to do exits; SQLite recovers a checkpoint cut short
			worker.unref();
			worker.on("error", () => this.#fallBack());
			worker.on("exit", () => {
				if (!this.#off) this.#fallBack();
			});
			this.#db.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`);
			this.#worker = worker;
			return worker;
		} catch {
			this.#fallBack();
			return undefined;
		}
	}

	/** The connection checkpoints by itself again (the thread could not start, or stopped). */
	#fallBack(): void {
		this.#off = true;
		this.#worker = undefined;
		try {
			if (this.#db.open)
				this.#db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
		} catch {
			// a busy or closing connection keeps the safety net, which checkpoints too
		}
	}
}
