import { realpathSync } from "node:fs";
// The research assistant from the command line (the README's first command runs it):
//   pnpm demo ["question"] [--docs DIR] [--db FILE] [--out DIR] [--thread ID] [--yes] [--cheap-model M] [--strong-model M]
import { isAbsolute, relative, resolve } from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { parseArgs, styleText } from "node:util";
import { SqliteCheckpointer, SqliteStore } from "@weft/checkpoint-sqlite";
import {
	Command,
	isWeftError,
	type RunResult,
	type RunUsage,
} from "@weft/graph";
import { loadCorpus } from "./corpus.ts";
import { createResearchAssistant, reportReview } from "./graph.ts";
import { modelsFromEnv } from "./models.ts";
import { reviewChoice } from "./review-choice.ts";

const DEFAULT_QUESTION =
	"What did presidents propose about education and schools, and why?";
const GRAPH_MODULE = `${fileURLToPath(new URL("./weft-graph.ts", import.meta.url))}#graph`;

type Answer =
	| { action: "approve" }
	| { action: "reject"; reason: string }
	| { action: "edit"; draft: string };

const say = (text = "") => process.stdout.write(`${text}\n`);

/**
 * The answer typed at the prompt; `interrupted` when it was left with Ctrl-C, `none` at the end of the
 * input (Ctrl-D): no answer, as without a terminal.
 */
async function askHuman(
	draft: string,
): Promise<Answer | "interrupted" | "none"> {
	const rl = createInterface({ input: process.stdin, output: process.stdout });
	let interrupted = false;
	const left = new Promise<"interrupted" | "none">((resolve) => {
		rl.once("SIGINT", () => {
			interrupted = true;
			resolve("interrupted");
		});
		rl.once("close", () => resolve(interrupted ? "interrupted" : "none"));
	});
	try {
		return await Promise.race([ask(rl, draft), left]);
	} catch (error) {
		if ((error as Error).name === "AbortError")
			return interrupted ? "interrupted" : "none";
		throw error;
	} finally {
		rl.close();
	}
}

/**
 * A path as the user would type it where they typed `pnpm demo` (INIT_CWD): pnpm runs the script in the
 * checkout's root, and `pnpm weft` reads the paths typed on its line from that folder, so a hint printed
 * for copying names the file from there (`../weft.db` from `docs/`).
 */
const fromTypedFolder = (path: string) => {
	const typedIn = process.env.INIT_CWD;
	if (
		process.env.npm_lifecycle_event !== "demo" ||
		typedIn === undefined ||
		typedIn === "" ||
		isAbsolute(path)
	)
		return path;
	return relative(typedIn, resolve(path)) || resolve(path);
};

const shellWord = (value: string) =>
	/^[\w@%+=:,./-]+$/.test(value)
		? value
		: `'${value.replaceAll("'", `'\\''`)}'`;

/** The reason a reject without one gives. */
const DEFAULT_REASON = "needs more detail";

async function ask(
	rl: ReturnType<typeof createInterface>,
	draft: string,
): Promise<Answer> {
	say(styleText("dim", draft.replace(/^/gm, "  │ ")));
	for (;;) {
		const choice = reviewChoice(
			await rl.question("  approve [a], reject with a reason [r], edit [e]? "),
		);
		if (choice === "reject")
			return {
				action: "reject",
				// an empty reason takes the default the prompt shows (the planner reads its words)
				reason:
					(
						await rl.question(`  reason (Enter for "${DEFAULT_REASON}"): `)
					).trim() || DEFAULT_REASON,
			};
		if (choice === "edit")
			return {
				action: "edit",
				draft: `${draft}\n\n${(await rl.question("  add a closing line: ")).trim()}`,
			};
		if (choice === "approve") return { action: "approve" };
		say("  type a to approve, r to reject, or e to edit");
	}
}

/** Tokens and cost over every run of the thread, as the store keeps them (`weft usage` prints the same). */
function summary(u: RunUsage, threadId: string, db: string): void {
	const cost =
		u.costUsd === undefined
			? "no cost: these models have no price"
			: u.unpricedCalls === undefined
				? `$${u.costUsd.toFixed(4)}`
				: `$${u.costUsd.toFixed(4)} + ${u.unpricedCalls} unpriced calls`;
	say(
		`  usage: ${u.calls} model calls, ${u.inputTokens} tokens in / ${u.outputTokens} out, ${cost} (${Object.keys(u.byModel).join(", ")})`,
	);
	say(
		`  thread: ${threadId}  (look inside: pnpm weft --db ${shellWord(fromTypedFolder(db))} history ${shellWord(threadId)} · pnpm weft --db ${shellWord(fromTypedFolder(db))} diff ${shellWord(threadId)} 1 2)`,
	);
}

const OPTIONS = {
	docs: { type: "string" },
	db: { type: "string", default: "weft.db" },
	out: { type: "string", default: "reports" },
	thread: { type: "string" },
	yes: { type: "boolean", default: false },
	"cheap-model": { type: "string" },
	"strong-model": { type: "string" },
	help: { type: "boolean", short: "h", default: false },
} as const;

const USAGE = `usage: pnpm demo [question…] [--yes] [--thread id] [--db weft.db] [--out reports] [--docs dir]
                 [--cheap-model name] [--strong-model name]
  --yes      approve the draft here, without asking
  --thread   the thread to run on (default: a new one)
  --db       the SQLite file of the run (default weft.db)
  --out      where the report is saved (default reports)
  --docs     a directory of .txt or .md files to research (default: the bundled corpus)`;

export async function main(argv = process.argv.slice(2)): Promise<number> {
	let parsed: ReturnType<
		typeof parseArgs<{
			args: string[];
			allowPositionals: true;
			options: typeof OPTIONS;
		}>
	>;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			options: OPTIONS,
		});
	} catch (error) {
		// a misspelled flag is the user's mistake: said with what there is, not as a stack trace
		process.stderr.write(
			`error: ${(error as Error).message}\n  hint: ${USAGE.replace(/\n/g, "\n  ")}\n`,
		);
		return 2;
	}
	const { values, positionals } = parsed;
	if (values.help) {
		say(USAGE);
		return 0;
	}
	const question = positionals.join(" ") || DEFAULT_QUESTION;
	// a --docs that cannot be searched is the flag's mistake: said before a run (and a thread) is made
	if (values.docs !== undefined)
		try {
			loadCorpus(values.docs);
		} catch (error) {
			process.stderr.write(
				`error: ${(error as Error).message}\n  hint: --docs names a directory of .txt or .md files (leave it out for the bundled corpus)\n`,
			);
			return 2;
		}
	const models = await modelsFromEnv({
		cheap: values["cheap-model"],
		strong: values["strong-model"],
	});
	let checkpointer: SqliteCheckpointer;
	let store: SqliteStore;
	try {
		checkpointer = new SqliteCheckpointer({ path: values.db });
		// past reports, remembered in the same file (the store keeps its own tables)
		store = new SqliteStore({ path: values.db });
	} catch (error) {
		process.stderr.write(`error ${shownError(error)}\n`);
		return 2;
	}
	const graph = createResearchAssistant({
		...models,
		checkpointer,
		store,
		label: models.label,
	});
	const threadId = values.thread ?? `research-${Date.now().toString(36)}`;
	// Ctrl-C while a step runs cancels the run (saved, its lease given back) rather than killing the
	// process with the thread held until its lease runs out; the review prompt handles its own
	const stop = new AbortController();
	const cancel = () => stop.abort(new Error("cancelled with Ctrl-C"));
	process.on("SIGINT", cancel);
	const config = {
		threadId,
		recursionLimit: 60,
		metadata: { graph: GRAPH_MODULE },
		signal: stop.signal,
	};
	const cancelled = () => {
		say();
		say(
			styleText(
				"yellow",
				`cancelled: the run is saved; continue it with pnpm weft --db ${shellWord(fromTypedFolder(values.db))} continue ${shellWord(threadId)}`,
			),
		);
		return 130;
	};
	try {
		say(styleText("bold", "Weft research assistant"));
		say(`  question: ${question}`);
		say(`  models:   ${models.label}`);
		say(`  store:    ${values.db} (SQLite), thread ${threadId}`);
		say();
		let result = await runShowing(
			graph.stream(
				// absolute: an answer may come from another process, in another folder (weft approve)
				{
					question,
					docs: values.docs === undefined ? "" : resolve(values.docs),
					outDir: resolve(values.out),
				},
				{ ...config, mode: ["updates"] },
			),
		);
		if (result.status === "cancelled") return cancelled();
		while (result.status === "interrupted") {
			const request = reportReview.request.parse(
				(result.interrupts[0]!.value as { request: unknown }).request,
			);
			say(
				styleText(
					"yellow",
					`⏸  paused for review: ${aOrAn(request.draft.split("\n").length)}-line draft from ${request.sources} passages`,
				),
			);
			let answer: Answer | "interrupted" | "none" = "none";
			if (values.yes) answer = { action: "approve" };
			else if (process.stdin.isTTY) answer = await askHuman(request.draft);
			if (answer === "none" || answer === "interrupted") {
				// no answer (no terminal, Ctrl-D) leaves the run waiting, as any pause does: exit 0; Ctrl-C is 130
				const answerWith = `pnpm weft --db ${shellWord(fromTypedFolder(values.db))}`;
				const thread = shellWord(threadId);
				if (process.stdin.isTTY) say();
				say("   no answer: the run is saved; answer it from any process:");
				say(`     ${answerWith} approve ${thread}`);
				say(
					`     ${answerWith} reject ${thread} --reason "cover the 19th century"`,
				);
				say("   (or run again with --yes to approve here)");
				summary(await graph.getUsage({ threadId }), threadId, values.db);
				return answer === "interrupted" ? 130 : 0;
			}
			say(
				`   answer: ${answer.action}${answer.action === "reject" ? ` (${answer.reason})` : ""}`,
			);
			try {
				result = await runShowing(
					// by the id of the request shown: one asked since (another process answered this one) is not
					// answered without being seen
					graph.stream(
						new Command({ resume: { [result.interrupts[0]!.id]: answer } }),
						{
							...config,
							mode: ["updates"],
						},
					),
				);
				if (result.status === "cancelled") return cancelled();
			} catch (error) {
				if (
					!isWeftError(error, "NO_PENDING_INTERRUPT") &&
					!isWeftError(error, "UNKNOWN_INTERRUPT_ID")
				)
					throw error;
				// answered from another terminal (weft approve) while this prompt waited: that answer stands
				say(
					`   the review was answered meanwhile from another process (weft approve or reject); this answer was not used`,
				);
				say(
					`   see where the thread stands: pnpm weft --db ${shellWord(fromTypedFolder(values.db))} show ${shellWord(threadId)}`,
				);
				summary(await graph.getUsage({ threadId }), threadId, values.db);
				return 0;
			}
		}
		say();
		say(styleText("green", `✔ report saved to ${result.values.reportPath}`));
		summary(await graph.getUsage({ threadId }), threadId, values.db);
		return 0;
	} catch (error) {
		process.stderr.write(`error ${shownError(error)}\n`);
		return 1;
	} finally {
		process.off("SIGINT", cancel);
		await store.close();
		await checkpointer.close();
	}
}

/** An error as the demo prints it: a WeftError's code, message and hint. */
function shownError(error: unknown): string {
	return isWeftError(error)
		? `${error.code}: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ""}`
		: String(error);
}

async function runShowing(
	events: AsyncIterable<import("@weft/graph").StreamEvent>,
): Promise<RunResult> {
	let result: RunResult | undefined;
	for await (const e of events) {
		if (e.type === "update")
			say(
				`  ${styleText("dim", `step ${e.step}`)} ${e.node.padEnd(9)} ${describe(e.node, e.data)}`,
			);
		if (e.type === "end") result = e.result;
	}
	return result!;
}

function describe(node: string, data: Record<string, unknown>): string {
	if (node === "plan")
		return `${(data.subQuestions as string[]).length} sub-questions: ${(data.subQuestions as string[]).join(" | ")}`;
	if (node === "research")
		return `summarised "${(data.findings as Array<{ subQuestion: string }>)[0]?.subQuestion}"`;
	if (node === "analyze")
		return `gaps: ${(data.gaps as string[]).length === 0 ? "none" : (data.gaps as string[]).join(" | ")}`;
	if (node === "write")
		return `draft of ${String(data.report).length} characters`;
	const keys = Object.keys(data);
	return keys.length === 0 ? "wrote nothing" : `wrote ${keys.join(", ")}`;
}

/** "a 15" or "an 18": the article a number takes when read aloud (8, 11, 18, 80…, 800… start with a vowel). */
function aOrAn(n: number): string {
	return /^(8|11|18)(\d{3})*$|^8/.test(String(n)) ? `an ${n}` : `a ${n}`;
}

if (
	process.argv[1] !== undefined &&
	realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
) {
	process.exitCode = await main();
}
