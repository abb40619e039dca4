export { EXIT, UsageError } from "./cli-error.ts";
export { createProgram, main } from "./main.ts";
