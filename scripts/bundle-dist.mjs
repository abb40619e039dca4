// Writes a package's JavaScript as one module per entry of its `exports`, the code two entries share in
// dist/chunks (decision 0031). `tsc -b` type-checks and writes only the declarations (emitDeclarationOnly);
// this script, run from the package's directory after it, writes dist/**/*.js and their source maps.
// Dependencies stay imports (never inlined); each entry lands where its `exports` "default" says.
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
	// not keepNames: it wraps every named function and class in a `__name` call at run time, inner closures
	// included (≈ 17 % of a W1b step); the check below keeps class names as written instead
	keepNames: false,
	sourcemap: "linked",
	sourcesContent: true,
	logLevel: "warning",
});

// A class whose body names itself is written `var X = class _X { … }`, and its `name` would be "_X":
// the inner binding takes the class's own name again (it shadows the outer `X`, which is the same class).
function jsFiles(dir) {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile() && e.name.endsWith(".js"))
		.map((e) => join(e.parentPath ?? e.path, e.name));
}
for (const file of jsFiles("dist")) {
	let text = readFileSync(file, "utf8");
	const inner = [
		...text.matchAll(/\bvar ([A-Za-z$][\w$]*) = class _\1\b/g),
	].map((m) => m[1]);
	if (inner.length === 0) continue;
	for (const name of inner)
		text = text.replaceAll(new RegExp(`(?<![\\w$.])_${name}\\b`, "g"), name);
	writeFileSync(file, text);
}

// Two modules' top levels share one scope in a bundle: esbuild renames a clash (`Foo` → `Foo2`). Error
// classes take their `name` from the class (`new.target.name`), so a renamed class is refused here.
function classNames(dir, ext) {
	const names = new Set();
	for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
		if (!e.isFile() || !e.name.endsWith(ext)) continue;
		const text = readFileSync(join(e.parentPath ?? e.path, e.name), "utf8");
		for (const m of text.matchAll(/\bclass ([A-Za-z_$][\w$]*)/g))
			if (m[1] !== "extends") names.add(m[1]);
	}
	return names;
}
const written = classNames("src", ".ts");
const renamed = [...classNames("dist", ".js")].filter((n) => !written.has(n));
if (renamed.length > 0)
	throw new Error(
		`${pkg.name}: the bundle renamed classes ${renamed.join(", ")} (two modules declare the same name): rename one`,
	);
