// Which served graph a module `weft run` recorded with a thread is (decision 0241): the file and the export
// must both match. Before, a thread run with another export of a served file was taken for that graph,
// and `weft dev` would list it under that graph's graph_id.
import { expect, it } from "vitest";
import { servedGraphOfModule } from "../src/load-graph.ts";

const served: Array<[string, string]> = [
	["quick", "/app/src/graphs.ts#quick"],
	["slow", "/app/src/graphs.ts#slow"],
	["solo", "/app/src/solo.ts#graph"],
];

it("matches the file and the export, the path taken from the database's folder", () => {
	expect(servedGraphOfModule("src/graphs.ts#slow", served, "/app")).toBe(
		"slow",
	);
	expect(servedGraphOfModule("solo.ts#graph", served, "/app/src")).toBe("solo");
	// no export recorded: the only served graph of that file
	expect(servedGraphOfModule("src/solo.ts", served, "/app")).toBe("solo");
	expect(servedGraphOfModule("src/graphs.ts", served, "/app")).toBeUndefined();
});

it("another export of a served file is another graph", () => {
	expect(
		servedGraphOfModule("src/solo.ts#other", served, "/app"),
	).toBeUndefined();
	expect(servedGraphOfModule("elsewhere.ts#graph", served, "/app")).toBe(
		undefined,
	);
});
