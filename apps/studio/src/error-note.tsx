/** A server error as people read it: message, code and hint. */
export function ErrorNote({ error }: { error: unknown }) {
	if (error === null || error === undefined) return null;
	const e = error as { message?: string; code?: string; hint?: string };
	return (
		<p className="error" role="alert">
			{e.code !== undefined && <code>{e.code}</code>}{" "}
			{e.message ?? String(error)}
			{e.hint !== undefined && <em> — {e.hint}</em>}
		</p>
	);
}
