import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { token } from "./api.ts";

/**
 * Shown when the server refuses the studio's calls (`weft dev --auth`): asks for a bearer token and
 * keeps it in this browser (localStorage), sent with every call after.
 */
export function TokenGate({ refused }: { refused: boolean }) {
	const client = useQueryClient();
	const [value, setValue] = useState("");
	return (
		<section className="token-gate" aria-labelledby="token-title">
			<h2 id="token-title">this server needs a token</h2>
			<p>
				It was started with <code>--auth</code>: enter one of its API tokens (
				<code>WEFT_API_TOKENS</code>). It is kept in this browser only.
			</p>
			{refused && (
				<p className="error" role="alert">
					the server refused the stored token
				</p>
			)}
			<form
				onSubmit={(e) => {
					e.preventDefault();
					token.set(value.trim());
					void client.resetQueries();
				}}
			>
				<label>
					API token{" "}
					<input
						type="password"
						autoComplete="current-password"
						value={value}
						onChange={(e) => setValue(e.target.value)}
					/>
				</label>{" "}
				<button type="submit" disabled={value.trim() === ""}>
					use this token
				</button>
			</form>
		</section>
	);
}
