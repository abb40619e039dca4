// Small text helpers for the extractive model: words, sentences, keyword overlap.

const STOPWORDS = new Set(
	"a about address addresses also an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its itself may me more most must my no not now of on or our out over own said say says shall president presidents propose proposed she should so some such than that the their them then there these they this those through to under up upon us was we were what when where which while who whom why will with would you your".split(
		" ",
	),
);

/** Lower-case content words of a text. */
export function words(text: string): string[] {
	return (text.toLowerCase().match(/[a-z][a-z'-]+/g) ?? []).filter(
		(w) => w.length > 2 && !STOPWORDS.has(w),
	);
}

/** A crude stem, so that "schools" matches "school" and "taxation" matches "taxes" loosely. */
export function stem(word: string): string {
	return word.replace(/(ations?|ings?|ies|es|s|ed|ly)$/, "");
}

/** Sentences of a text (keeps their punctuation). */
export function sentences(text: string): string[] {
	return (text.replace(/\s+/g, " ").match(/[^.!?]+[.!?]+/g) ?? [])
		.map((s) => s.trim())
		.filter((s) => s.length > 30);
}

/** How many of `terms` (stemmed) a text contains. */
export function overlap(text: string, terms: readonly string[]): number {
	const stems = new Set(words(text).map(stem));
	return terms.filter((t) => stems.has(stem(t))).length;
}

/** The most frequent content words of a text, most frequent first. */
export function keywords(text: string, n: number): string[] {
	const counts = new Map<string, number>();
	for (const w of words(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
	return [...counts.entries()]
		.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
		.slice(0, n)
		.map(([w]) => w);
}

/** A rough token count (4 characters a token), for usage figures. */
export function estimateTokens(text: string): number {
	return Math.max(1, Math.ceil(text.length / 4));
}
