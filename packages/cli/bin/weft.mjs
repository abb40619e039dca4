#!/usr/bin/env node
// The published entry: runs the built CLI. In this repository use `pnpm weft …`, which runs the source.
await import("../dist/main.js");
