// Writes a package's JavaScript as one module per entry of its `exports`, the code two entries share in
// dist/chunks (decision 0031). `tsc -b` type-checks and writes only the declarations (emitDeclarationOnly);
// this script, run from the package's directory after it, writes dist/**/*.js and their source maps.
// Dependencies stay imports (never inlined); each entry lands where its `exports` "default" says.
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const pkg = JSON.parse(readFileSync("package.json", "utf8"));
const entries = Object.entries(pkg.exports).map(([subpath, targets]) => {
	const src = targets["@weft/source"];
	const out = targets.default;
	const expected = out.replace(/^\.\/dist\//, "./src/").replace(/\.js$/, ".ts");
	if (src !== expected)
		throw new Error(
			`${pkg.name} "${subpath}": ${out} is not where ${src} would be written`,
		);
	return src;
});

// the JavaScript of an earlier build (tsc's, one file per module, or a bundle), never the declarations
function removeJs(dir) {
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, e.name);
		if (e.isDirectory()) removeJs(path);
		else if (/\.js(\.map)?$/.test(e.name)) rmSync(path);
	}
}
removeJs("dist");
rmSync("dist/chunks", { recursive: true, force: true });

await build({
	entryPoints: entries,
	outbase: "src",
	outdir: "dist",
	bundle: true,
	splitting: true,
	format: "esm",
	platform: "node",
	target: "es2023",
	packages: "external",
	chunkNames: "chunks/[name]-[hash]",
	// names of classes and functions as tsc wrote them, though two modules' top levels share a scope now
	keepNames: true,
	sourcemap: "linked",
	sourcesContent: true,
	logLevel: "warning",
});
