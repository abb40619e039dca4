// Preloaded into a `weft dev` / `weft worker` process by profile-server.ts (`--import`): SIGUSR2 starts the
// inspector's CPU profiler, the next SIGUSR2 stops it and writes the profile to $WEFT_PROFILE_OUT.
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

// `%p` in the path: this process's pid (an API and its workers share the environment)
const out = process.env.WEFT_PROFILE_OUT?.replace("%p", String(process.pid));
if (out !== undefined) {
	const session = new Session();
	session.connect();
	let on = false;
	process.on("SIGUSR2", async () => {
		if (!on) {
			on = true;
			await session.post("Profiler.setSamplingInterval", { interval: 200 });
			await session.post("Profiler.enable");
			await session.post("Profiler.start");
			return;
		}
		on = false;
		const { profile } = await session.post("Profiler.stop");
		writeFileSync(out, JSON.stringify(profile));
		process.stderr.write("weft profile: written\n");
	});
}
