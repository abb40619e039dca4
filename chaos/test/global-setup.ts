import { buildWorkers } from "../src/build-workers.ts";

export default async function setup(): Promise<void> {
	await buildWorkers();
}
