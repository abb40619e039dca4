// Rewrites every docs code block marked `<!-- example: path#region -->` from that region of the file,
// so docs quote examples exactly (docs-snippets.test.ts checks they do). Run: node scripts/sync-snippets.mjs
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const docs = [
	"README.md",
	...readdirSync(join(root, "docs"))
		.filter((f) => f.endsWith(".md"))
		.map((f) => `docs/${f}`),
];
const marker =
	/(<!-- example: ([^#\s]+)#([\w-]+) -->\s*```\w*\n)([\s\S]*?)```/g;

function region(file, name) {
	const text = readFileSync(join(root, file), "utf8");
	const match = new RegExp(
		`// #region ${name}\\n([\\s\\S]*?)\\n\\s*// #endregion ${name}`,
	).exec(text);
	if (match === null) throw new Error(`${file} has no region "${name}"`);
	const lines = match[1].split("\n");
	const indent = Math.min(
		...lines
			.filter((l) => l.trim() !== "")
			.map((l) => /^\s*/.exec(l)[0].length),
	);
	return lines.map((l) => l.slice(indent).replace(/\t/g, "  ")).join("\n");
}

for (const doc of docs) {
	const path = join(root, doc);
	const before = readFileSync(path, "utf8");
	const after = before.replace(
		marker,
		(_m, head, file, name) => `${head}${region(file, name)}\n\`\`\``,
	);
	if (after !== before) {
		writeFileSync(path, after);
		process.stdout.write(`updated ${doc}\n`);
	}
}
