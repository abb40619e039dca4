import type { KeyboardEvent } from "react";

const MOVES: Record<string, (i: number, n: number) => number> = {
	ArrowDown: (i, n) => Math.min(n - 1, i + 1),
	ArrowUp: (i) => Math.max(0, i - 1),
	Home: () => 0,
	End: (_, n) => n - 1,
};

/**
 * Arrow keys (and Home/End) move the focus between the items of a list that match `selector`;
 * Enter on an item itself (not on a control in it, and not an item that is a link or a button) moves into
 * its first control.
 */
export function listKeys(selector: string) {
	return (e: KeyboardEvent<HTMLElement>) => {
		const target = e.target as HTMLElement;
		if (target.matches("input, textarea, select")) return;
		const items = [...e.currentTarget.querySelectorAll<HTMLElement>(selector)];
		const at = items.findIndex((el) => el.contains(target));
		// an item that is itself a link or a button acts on Enter as such (it opens, it presses)
		if (
			e.key === "Enter" &&
			at >= 0 &&
			items[at] === target &&
			!target.matches("a[href], button")
		) {
			e.preventDefault();
			items[at]
				?.querySelector<HTMLElement>("button:not(:disabled), a[href], input")
				?.focus();
			return;
		}
		const move = MOVES[e.key];
		if (move === undefined || items.length === 0) return;
		e.preventDefault();
		items[move(Math.max(0, at), items.length)]?.focus();
	};
}
