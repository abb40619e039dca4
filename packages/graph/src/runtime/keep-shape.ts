/**
 * The newest object of each class a run makes, kept alive (decision 0196).
 *
 * V8 gives an object a new hidden class (map) for each field its class adds, and a map is held only by the
 * objects that have it: the class holds its first map, not the ones its fields lead to. A full GC at a
 * moment when no run is under way (a server between requests, a CLI waiting at a prompt, the bench's
 * `gc()` before a timed section) collects those maps, and V8 throws away every optimized function that
 * checked for one of them: the loop, the step, the commit, the timer. The next runs then go through the
 * step path unoptimized until the compiler has done it all again (W1d's first runs at ≈ 1.5–2 × their
 * steady time). One object of each class alive keeps its maps, and the code built on them.
 *
 * What is kept is the newest object of each class, replaced by the next: at most the objects of the last
 * run (its state included) outlive it, until another run starts. Classes that carry a user's payload and
 * that a run need not make (`Command`, `Send`, a subgraph's result) keep one object made without one
 * instead (`keepShape`): their newest object would hold its payload for as long as no other is made.
 */
/**
 * A keeper for one class, made once at the class's module level: called first in its constructor with
 * `this`, it keeps that object and lets the one before go. What is kept is the object, so the map it ends
 * with, whatever the constructor adds after. A slot per class, not a map keyed by constructor: two of the
 * classes are made once per task, and a slot costs less than half of a `Map.set` before the
 * constructor is optimized (≈ 10–18 against 23–44 ns here).
 */
export function newestKeeper(): (self: object) => void {
	const kept: { newest?: object } = {};
	return (self) => {
		kept.newest = self;
	};
}

/** Objects kept for the life of the process, each made without a payload, only for its maps (`keepShape`). */
const shapes: object[] = [];

/**
 * Keeps `sample`, an object of a class whose objects all end with the same fields, made at the class's
 * module level without a payload: it holds the class's maps as a kept newest object would, and no data.
 */
export function keepShape(sample: object): void {
	shapes.push(sample);
}
