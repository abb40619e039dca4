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
 * run (its state included) outlive it, until another run starts.
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
