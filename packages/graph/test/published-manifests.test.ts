// The published packages' manifests as users' tools read them. Found from outside (7 Dec): a TypeScript
// project on `"moduleResolution": "node"` (what `"module": "commonjs"` picks) found no types for
// `@weft/graph` at all (TS2307), since they were only under `exports`, which that resolution skips; and
// no package said which Node it needs.
import { spawnSync } from "node:child_process";
import {
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { root } from "../../../test-setup/weft-cli.ts";

const PACKAGES = [
	"graph",
	"checkpoint",
	"checkpoint-sqlite",
	"checkpoint-postgres",
	"models",
	"server",
	"evals",
	"cli",
];
const manifest = (name: string) =>
	JSON.parse(
		readFileSync(join(root, "packages", name, "package.json"), "utf8"),
	) as {
		name: string;
		exports: Record<string, { types: string; default: string }>;
		engines?: { node?: string };
	};

const dir = mkdtempSync(join(tmpdir(), "weft-manifests-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `tsc --noEmit` of a module importing every entry point of every package, with `options`. */
function typecheck(options: Record<string, unknown>): string {
	const project = join(dir, String(options.moduleResolution));
	mkdirSync(join(project, "node_modules/@weft"), { recursive: true });
	const imports: string[] = [];
	for (const name of PACKAGES) {
		symlinkSync(
			join(root, "packages", name),
			join(project, "node_modules/@weft", name),
		);
		for (const sub of Object.keys(manifest(name).exports))
			imports.push(
				`import type * as m${imports.length} from "@weft/${name}${sub.slice(1)}";`,
			);
	}
	// an ES module project (node16 reads the module kind from it; the others do not mind)
	writeFileSync(join(project, "package.json"), '{ "type": "module" }\n');
	writeFileSync(
		join(project, "main.ts"),
		`${imports.join("\n")}\nexport type All = [${imports.map((_, i) => `typeof m${i}`).join(", ")}];\n`,
	);
	writeFileSync(
		join(project, "tsconfig.json"),
		JSON.stringify({
			compilerOptions: {
				strict: true,
				noEmit: true,
				skipLibCheck: true,
				...options,
			},
			files: ["main.ts"],
		}),
	);
	const tsc = createRequire(join(root, "package.json")).resolve(
		"typescript/bin/tsc",
	);
	const r = spawnSync(process.execPath, [tsc, "-p", project], {
		encoding: "utf8",
		timeout: 120_000,
	});
	return `${r.stdout}${r.stderr}`;
}

describe("the published packages' manifests", () => {
	it.each([
		[
			"node (node10, as module commonjs picks)",
			{ module: "commonjs", moduleResolution: "node" },
		],
		["node16", { module: "node16", moduleResolution: "node16" }],
		["bundler", { module: "esnext", moduleResolution: "bundler" }],
	])(
		"every entry point has types under moduleResolution %s",
		(_name, options) => {
			expect(typecheck(options)).toBe("");
		},
		120_000,
	);

	it("each says the Node it needs, as the README does (20.19+)", () => {
		for (const name of PACKAGES)
			expect(manifest(name).engines?.node, name).toBe(">=20.19");
	});
});
